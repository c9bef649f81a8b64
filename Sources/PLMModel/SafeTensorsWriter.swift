import CorpusIO
import Foundation

/// Writes tensors given as f32 as a safetensors file, stored as F32 (our checkpoints) or rounded to
/// F16/BF16 (`SafeTensorsFloatType` says how), in the order given, under a temporary name renamed
/// into place when complete.
public enum SafeTensorsWriter {
    public static func write(_ tensors: [(name: String, shape: [Int], values: UnsafeBufferPointer<Float>)],
                             storing dtype: SafeTensorsFloatType = .f32,
                             metadata: [String: String] = ["format": "pt"], to path: String) throws {
        var header = "{"
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            header += "\"__metadata__\":{" + pairs.joined(separator: ",") + "}"
        }
        var offset = 0
        for tensor in tensors {
            precondition(tensor.values.count == tensor.shape.reduce(1, *), "tensor \(tensor.name): values differ from shape")
            let bytes = tensor.values.count * dtype.byteSize
            if header.count > 1 { header += "," }
            header += "\(jsonString(tensor.name)):{\"dtype\":\"\(dtype.rawValue)\","
                + "\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],"
                + "\"data_offsets\":[\(offset),\(offset + bytes)]}"
            offset += bytes
        }
        header += "}"
        var headerBytes = Array(header.utf8)
        // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
        while (8 + headerBytes.count) % 8 != 0 { headerBytes.append(UInt8(ascii: " ")) }
        let file = try AtomicOutputFile(path: path)
        var length = UInt64(headerBytes.count).littleEndian
        try withUnsafeBytes(of: &length) { try file.write($0) }
        try file.write(headerBytes)
        #if _endian(little)
        let convert = dtype != .f32
        #else
        let convert = true
        #endif
        guard convert else {
            for tensor in tensors { try file.write(UnsafeRawBufferPointer(tensor.values)) }
            try file.commit()
            return
        }
        // Converted a chunk at a time into one scratch buffer: no copy of a whole tensor.
        let chunk = 1 << 16
        var scratch = [UInt8](repeating: 0, count: chunk * dtype.byteSize)
        for tensor in tensors {
            guard let values = tensor.values.baseAddress else { continue }
            var start = 0
            while start < tensor.values.count {
                let count = min(chunk, tensor.values.count - start)
                try scratch.withUnsafeMutableBytes { buffer in
                    dtype.fromFloat(values + start, count: count, into: buffer.baseAddress!)
                    try file.write(UnsafeRawBufferPointer(rebasing: buffer[0..<count * dtype.byteSize]))
                }
                start += count
            }
        }
        try file.commit()
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
