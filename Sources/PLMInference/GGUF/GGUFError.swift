/// A problem with a GGUF file, naming the file, the byte offset where the fault lies (when there is
/// one place to point at), and the key or tensor at fault.
public struct GGUFError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    /// Byte offset from the start of the file.
    public var offset: Int?
    /// `key 'general.architecture'`, `tensor 'blk.0.attn_q.weight'`, or nil for the file as a whole.
    public var subject: String?
    public var message: String

    public init(path: String, offset: Int? = nil, subject: String? = nil, message: String) {
        self.path = path
        self.offset = offset
        self.subject = subject
        self.message = message
    }

    public static func key(_ key: String, path: String, offset: Int? = nil, _ message: String) -> GGUFError {
        GGUFError(path: path, offset: offset, subject: "key '\(key)'", message: message)
    }

    public static func tensor(_ name: String, path: String, offset: Int? = nil, _ message: String) -> GGUFError {
        GGUFError(path: path, offset: offset, subject: "tensor '\(name)'", message: message)
    }

    public var description: String {
        var text = path
        if let offset { text += " (byte \(offset))" }
        text += ": "
        if let subject { text += subject + ": " }
        return text + message
    }
}

/// ggml's tensor type names by id (ggml.h `enum ggml_type`), so that a file with a type the engine
/// does not run is refused with the type's name, not only its number.
enum GGMLTypeName {
    static let names: [UInt32: String] = [
        0: "f32", 1: "f16", 2: "q4_0", 3: "q4_1", 6: "q5_0", 7: "q5_1", 8: "q8_0", 9: "q8_1", 10: "q2_K",
        11: "q3_K", 12: "q4_K", 13: "q5_K", 14: "q6_K", 15: "q8_K", 16: "iq2_xxs", 17: "iq2_xs", 18: "iq3_xxs",
        19: "iq1_s", 20: "iq4_nl", 21: "iq3_s", 22: "iq2_s", 23: "iq4_xs", 24: "i8", 25: "i16", 26: "i32",
        27: "i64", 28: "f64", 29: "iq1_m", 30: "bf16", 34: "tq1_0", 35: "tq2_0", 39: "mxfp4", 40: "nvfp4",
        41: "q1_0", 42: "q2_0",
    ]

    static func describe(_ id: UInt32) -> String {
        names[id].map { "\($0) (ggml type \(id))" } ?? "ggml type \(id) (unknown)"
    }
}
