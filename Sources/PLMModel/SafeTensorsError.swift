/// A problem with a safetensors file, a checkpoint folder or the tensors they hold. `path` names the
/// file at fault (the shard, the index or the folder); where one tensor is at fault `tensor` names it,
/// and where a place in the file matters (a tensor cut off, offsets that overlap) `byteOffset` gives it,
/// counted from the start of the file. `message` says what is wrong in words, with both shapes where a
/// shape disagrees (what the model expects, what the file has).
public struct SafeTensorsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    /// The tensor at fault, when there is one.
    public var tensor: String?
    /// The byte offset in `path` where the problem lies, when one place does.
    public var byteOffset: Int?

    public init(path: String, message: String, tensor: String? = nil, byteOffset: Int? = nil) {
        self.path = path
        self.message = message
        self.tensor = tensor
        self.byteOffset = byteOffset
    }

    public var description: String { "\(path): \(message)" }

    static func shapeText(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

    static func missing(_ path: String, tensor: String, expected: [Int]) -> SafeTensorsError {
        SafeTensorsError(path: path, message: "tensor '\(tensor)' is missing (the model expects shape "
            + "\(shapeText(expected)), the file has no such tensor)", tensor: tensor)
    }

    static func unexpected(_ path: String, tensor: String, shape: [Int]) -> SafeTensorsError {
        SafeTensorsError(path: path, message: "tensor '\(tensor)' with shape \(shapeText(shape)) is not part of "
            + "the model (no such parameter expected)", tensor: tensor)
    }

    static func misshaped(_ path: String, tensor: String, expected: [Int], found: [Int]) -> SafeTensorsError {
        SafeTensorsError(path: path, message: "tensor '\(tensor)' has shape \(shapeText(found)) in the file, "
            + "the model expects \(shapeText(expected))", tensor: tensor)
    }

    static func unreadableType(_ path: String, tensor: String, dtype: String, byteOffset: Int) -> SafeTensorsError {
        SafeTensorsError(path: path, message: "tensor '\(tensor)' has dtype \(dtype), which is not read "
            + "(F32, F16 and BF16 are)", tensor: tensor, byteOffset: byteOffset)
    }
}
