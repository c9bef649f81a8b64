import Foundation
import Testing
@testable import PLMModel

/// Damaged folders and files: each error names the file, the tensor and, where it matters, the byte
/// offset in the file.
@Suite struct HFModelFolderDamageTests {
    /// A three-shard bf16 folder of `fileTestConfig`; returns it and its weight map.
    func shardedFolder(_ name: String = #function) throws -> (folder: String, weightMap: [String: String]) {
        let folder = temporaryFolder(name)
        let values = HFFolderFixture.values(ParameterLayout(config: fileTestConfig))
        let map = try HFFolderFixture.write(config: fileTestConfig, values: values, dtype: .bf16, shards: 3, to: folder)
        return (folder, map)
    }

    @Test func truncatedShardNamesTheTensorCutOffAndItsOffset() throws {
        let (folder, _) = try shardedFolder()
        let path = folder + "/" + HFFolderFixture.shardName(1, of: 3)
        let intact = try SafeTensorsFile(path: path)
        let last = try #require(intact.entries.last)
        let lastOffset = intact.fileOffset(of: last)
        let size = intact.fileSize
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(size - 3))
        try handle.close()
        let error = #expect(throws: SafeTensorsError.self) { try Checkpoint.loadModel(from: folder) }
        #expect(error?.path == path)
        #expect(error?.tensor == last.name)
        #expect(error?.byteOffset == lastOffset)
        #expect(error?.message.contains("'\(last.name)' is cut off") == true)
        #expect(error?.message.contains("the file ends at byte \(size - 3)") == true)
    }

    @Test func overlappingOffsetsGapsAndTrailingBytesAreRefused() throws {
        let folder = temporaryFolder()
        let cases: [(header: String, data: Int, tensor: String, dataOffset: Int, words: String)] = [
            ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
             12, "b", 4, "overlap"),
            ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}",
             20, "b", 8, "4 bytes after tensor 'a' belong to no tensor"),
            ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "a", 0,
             "4 bytes at the start of the data section belong to no tensor"),
            ("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 12, "a", 8,
             "4 bytes after the last tensor ('a') belong to no tensor"),
        ]
        for (index, item) in cases.enumerated() {
            let path = folder + "/\(index).safetensors"
            try HFFolderFixture.writeRaw(header: item.header, data: [UInt8](repeating: 0, count: item.data), to: path)
            let headerBytes = (item.header.utf8.count + 7) / 8 * 8
            let error = #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(path: path) }
            #expect(error?.tensor == item.tensor, "case \(index)")
            #expect(error?.byteOffset == 8 + headerBytes + item.dataOffset, "case \(index)")
            #expect(error?.message.contains(item.words) == true, "case \(index): \(String(describing: error))")
        }
    }

    @Test func dtypesWeDoNotReadAreNamed() throws {
        let folder = temporaryFolder()
        let path = folder + "/x.safetensors"
        try HFFolderFixture.writeRaw(header: "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"q\":{\"dtype\":\"I8\",\"shape\":[4],\"data_offsets\":[4,8]},"
            + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}", data: [UInt8](repeating: 0, count: 16), to: path)
        let file = try SafeTensorsFile(path: path)
        for (name, dtype) in [("q", "I8"), ("d", "F64")] {
            let entry = try #require(file.entry(named: name))
            var out = [Float](repeating: 0, count: entry.count)
            let error = #expect(throws: SafeTensorsError.self) { try out.withUnsafeMutableBufferPointer { try file.read(entry, into: $0) } }
            #expect(error?.tensor == name)
            #expect(error?.message == "tensor '\(name)' has dtype \(dtype), which is not read (F32, F16 and BF16 are)")
            #expect(error?.byteOffset == file.fileOffset(of: entry))
        }
        // A dtype safetensors does not define is refused with the header.
        try HFFolderFixture.writeRaw(header: "{\"w\":{\"dtype\":\"F4\",\"shape\":[2],\"data_offsets\":[0,1]}}",
                                     data: [0], to: path)
        let error = #expect(throws: SafeTensorsError.self) { try SafeTensorsFile(path: path) }
        #expect(error?.message.contains("unknown dtype 'F4'") == true)
    }

    /// A model tensor stored as I8 (a quantized export) is refused when the folder is opened, before
    /// anything is read.
    @Test func modelTensorOfAnUnreadDtypeIsRefusedUpFront() throws {
        let folder = temporaryFolder()
        try HFConfigFile(config: fileTestConfig).write(to: folder + "/config.json")
        var header: [String] = []
        var offset = 0
        for tensor in ParameterLayout(config: fileTestConfig).tensors {
            let dtype = tensor.name == "model.layers.1.self_attn.o_proj.weight" ? "I8" : "F32"
            let bytes = tensor.count * (dtype == "I8" ? 1 : 4)
            header.append("\"\(tensor.name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(tensor.shape),\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        try HFFolderFixture.writeRaw(header: "{" + header.joined(separator: ",") + "}",
                                     data: [UInt8](repeating: 0, count: offset), to: folder + "/model.safetensors")
        let error = #expect(throws: SafeTensorsError.self) { try Checkpoint.loadModel(from: folder) }
        #expect(error?.tensor == "model.layers.1.self_attn.o_proj.weight")
        #expect(error?.message.contains("has dtype I8") == true)
        #expect(error?.path == folder + "/model.safetensors")
    }

    @Test func indexNamingAMissingShardIsRefused() throws {
        let (folder, _) = try shardedFolder()
        let missing = HFFolderFixture.shardName(2, of: 3)
        try FileManager.default.removeItem(atPath: folder + "/" + missing)
        let error = #expect(throws: SafeTensorsError.self) { try Checkpoint.loadModel(from: folder) }
        #expect(error?.path == folder + "/model.safetensors.index.json")
        #expect(error?.message.contains("names shard '\(missing)'") == true)
        #expect(error?.message.contains("which is not in the folder") == true)
    }

    @Test func indexAndShardHeadersMustAgree() throws {
        // The index places a tensor in a shard whose header lacks it.
        let (folder, map) = try shardedFolder()
        var moved = map
        let name = "model.norm.weight"
        moved[name] = HFFolderFixture.shardName(0, of: 3)
        try HFFolderFixture.writeIndex(moved, to: folder)
        let error = #expect(throws: SafeTensorsError.self) { try SafeTensorsFolder(folder: folder) }
        #expect(error?.tensor == name)
        #expect(error?.path == folder + "/" + HFFolderFixture.shardName(0, of: 3))
        #expect(error?.message.contains("the index places tensor '\(name)' in this shard") == true)

        // A tensor in two shards: the copy the index does not name is refused.
        let (twice, twiceMap) = try shardedFolder("twice")
        let layout = ParameterLayout(config: fileTestConfig)
        let values = HFFolderFixture.values(layout)
        let shard = HFFolderFixture.shardName(0, of: 3)
        var tensors = layout.tensors.filter { twiceMap[$0.name] == shard }
            .map { ($0.name, $0.shape, Array(values[$0.offset..<$0.offset + $0.count])) }
        let norm = layout.tensor(.finalNorm)
        tensors.append((norm.name, norm.shape, Array(values[norm.offset..<norm.offset + norm.count])))
        try HFFolderFixture.writeFile(tensors, dtype: .bf16, to: twice + "/" + shard)
        let duplicate = #expect(throws: SafeTensorsError.self) { try SafeTensorsFolder(folder: twice) }
        #expect(duplicate?.tensor == norm.name)
        #expect(duplicate?.message.contains("the index places it in '\(HFFolderFixture.shardName(2, of: 3))'") == true)

        // A tensor the index does not list at all.
        let (unlisted, unlistedMap) = try shardedFolder("unlisted")
        var shorter = unlistedMap
        shorter.removeValue(forKey: norm.name)
        try HFFolderFixture.writeIndex(shorter, to: unlisted)
        let notListed = #expect(throws: SafeTensorsError.self) { try SafeTensorsFolder(folder: unlisted) }
        #expect(notListed?.message.contains("the index does not list it") == true)
    }

    @Test func configShapeThatDisagreesWithTheTensorsNamesBoth() throws {
        let (folder, map) = try shardedFolder()
        var wider = fileTestConfig
        wider.intermediateSize = 24
        try HFConfigFile(config: wider).write(to: folder + "/config.json")
        let error = #expect(throws: SafeTensorsError.self) { try Checkpoint.loadModel(from: folder) }
        let name = "model.layers.0.mlp.up_proj.weight"
        #expect(error?.tensor == name)
        #expect(error?.path == folder + "/" + map[name]!)
        #expect(error?.message == "tensor '\(name)' has shape [16, 8] in the file, the model expects [24, 8]")
    }

    @Test func missingTensorOfAShardedFolderNamesTheIndex() throws {
        let (folder, map) = try shardedFolder()
        var shorter = map
        let name = "model.layers.1.mlp.down_proj.weight"
        let shard = shorter.removeValue(forKey: name)!
        // Rewrite that shard without the tensor, and the index without it.
        let layout = ParameterLayout(config: fileTestConfig)
        let values = HFFolderFixture.values(layout)
        let kept = layout.tensors.filter { shorter[$0.name] == shard }
            .map { ($0.name, $0.shape, Array(values[$0.offset..<$0.offset + $0.count])) }
        try HFFolderFixture.writeFile(kept, dtype: .bf16, to: folder + "/" + shard)
        try HFFolderFixture.writeIndex(shorter, to: folder)
        let error = #expect(throws: SafeTensorsError.self) { try Checkpoint.loadModel(from: folder) }
        #expect(error?.path == folder + "/model.safetensors.index.json")
        #expect(error?.message == "tensor '\(name)' is missing (the model expects shape [8, 16], the file has no such tensor)")
    }

    @Test func folderWithoutWeightsIsRefused() throws {
        let folder = temporaryFolder()
        try HFConfigFile(config: fileTestConfig).write(to: folder + "/config.json")
        let error = #expect(throws: SafeTensorsError.self) { try Checkpoint.loadModel(from: folder) }
        #expect(error?.message == "holds neither model.safetensors nor model.safetensors.index.json")
    }
}
