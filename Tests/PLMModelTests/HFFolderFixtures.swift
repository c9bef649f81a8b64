import Foundation
@testable import PLMModel

/// Hugging Face model folders built at test time: `config.json` plus the layout's tensors as one
/// `model.safetensors` or as `shards` shards with `model.safetensors.index.json`, in any float dtype.
enum HFFolderFixture {
    /// Deterministic values of many magnitudes (some subnormal in f16, some that round), one per
    /// parameter; norms near 1.
    static func values(_ layout: ParameterLayout, seed: UInt64 = 1) -> [Float] {
        var state = seed
        var values = [Float](repeating: 0, count: layout.totalCount)
        for tensor in layout.tensors {
            for i in tensor.offset..<tensor.offset + tensor.count {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let unit = Float(state >> 40) / Float(1 << 24) - 0.5          // [-0.5, 0.5)
                let scale: Float = [1, 0.02, 3e-6, 120][Int(state >> 20) & 3]
                values[i] = tensor.isNorm ? 1 + unit * 0.1 : unit * scale
            }
        }
        return values
    }

    /// What reading `values` stored as `dtype` gives back (the writer's rounding, exact reading).
    static func expected(_ values: [Float], _ dtype: SafeTensorsFloatType) -> [Float] {
        switch dtype {
        case .f32: values
        case .bf16: values.map { SafeTensorsFloatType.bfloat16ToFloat(SafeTensorsFloatType.floatToBFloat16($0)) }
        case .f16: values.map { Float(Float16($0)) }
        }
    }

    /// Shard file names as transformers writes them.
    static func shardName(_ index: Int, of count: Int) -> String {
        func five(_ n: Int) -> String { String(repeating: "0", count: 5 - String(n).count) + String(n) }
        return "model-\(five(index + 1))-of-\(five(count)).safetensors"
    }

    /// Writes the folder; `extra` tensors (name, shape, values) go into the last shard. Returns the
    /// weight map written (tensor -> shard), empty for a single file.
    @discardableResult
    static func write(config: PLMConfig, values: [Float], dtype: SafeTensorsFloatType, shards: Int,
                      extra: [(name: String, shape: [Int], values: [Float])] = [], to folder: String) throws -> [String: String] {
        try HFConfigFile(config: config).write(to: folder + "/config.json")
        let layout = ParameterLayout(config: config)
        var groups = [[(name: String, shape: [Int], values: [Float])]](repeating: [], count: shards)
        for (index, tensor) in layout.tensors.enumerated() {
            groups[index * shards / layout.tensors.count].append(
                (tensor.name, tensor.shape, Array(values[tensor.offset..<tensor.offset + tensor.count])))
        }
        groups[shards - 1] += extra
        var weightMap: [String: String] = [:]
        for (index, group) in groups.enumerated() {
            let name = shards == 1 ? "model.safetensors" : shardName(index, of: shards)
            try writeFile(group, dtype: dtype, to: folder + "/" + name)
            if shards > 1 { for tensor in group { weightMap[tensor.name] = name } }
        }
        if shards > 1 { try writeIndex(weightMap, to: folder) }
        return weightMap
    }

    static func writeFile(_ tensors: [(name: String, shape: [Int], values: [Float])], dtype: SafeTensorsFloatType,
                          to path: String) throws {
        // Copies into one array so that every buffer pointer stays valid during the write.
        let all = tensors.flatMap(\.values)
        try all.withUnsafeBufferPointer { buffer in
            var offset = 0
            let list = tensors.map { tensor in
                defer { offset += tensor.values.count }
                return (tensor.name, tensor.shape, UnsafeBufferPointer(rebasing: buffer[offset..<offset + tensor.values.count]))
            }
            try SafeTensorsWriter.write(list, storing: dtype, to: path)
        }
    }

    static func writeIndex(_ weightMap: [String: String], to folder: String) throws {
        let object: [String: Any] = ["metadata": ["total_size": 0], "weight_map": weightMap]
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            .write(to: URL(fileURLWithPath: folder + "/model.safetensors.index.json"))
    }

    /// A safetensors file with a hand-written header (padded to 8) and `data` as its data section.
    static func writeRaw(header: String, data: [UInt8], to path: String) throws {
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(UInt8(ascii: " ")) }
        let bytes = withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { Array($0) } + headerBytes + data
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
