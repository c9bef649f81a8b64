/// A problem with a safetensors file or the tensors it holds, naming the file and, where one is at
/// fault, the tensor and both shapes (what the model expects, what the file has).
public struct SafeTensorsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }

    static func shapeText(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

    static func missing(_ path: String, tensor: String, expected: [Int]) -> SafeTensorsError {
        SafeTensorsError(path: path, message: "tensor '\(tensor)' is missing (the model expects shape "
            + "\(shapeText(expected)), the file has no such tensor)")
    }

    static func unexpected(_ path: String, tensor: String, shape: [Int]) -> SafeTensorsError {
        SafeTensorsError(path: path, message: "tensor '\(tensor)' with shape \(shapeText(shape)) is not part of "
            + "the model (no such parameter expected)")
    }

    static func misshaped(_ path: String, tensor: String, expected: [Int], found: [Int]) -> SafeTensorsError {
        SafeTensorsError(path: path, message: "tensor '\(tensor)' has shape \(shapeText(found)) in the file, "
            + "the model expects \(shapeText(expected))")
    }
}
