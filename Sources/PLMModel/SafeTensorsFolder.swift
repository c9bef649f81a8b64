import CorpusIO
import Foundation

/// One tensor of a folder: the file (shard) holding it and its header entry.
public struct SafeTensorsTensor: Sendable {
    public let file: SafeTensorsFile
    public let entry: SafeTensorsEntry

    public var name: String { entry.name }
    public var shape: [Int] { entry.shape }
    public var dtype: String { entry.dtype }
    public var path: String { file.path }
    /// Where its data starts in its file.
    public var fileOffset: Int { file.fileOffset(of: entry) }

    /// The bytes as stored, in place; valid while `file` is alive (this value keeps it so).
    public var rawBytes: UnsafeRawBufferPointer { file.rawBytes(entry) }
    /// The values in place when the tensor is aligned F32, nil otherwise (see `SafeTensorsFile.mappedFloats`).
    public var mappedFloats: UnsafeBufferPointer<Float>? { file.mappedFloats(entry) }

    /// The values converted to f32 into `destination` (exactly the tensor's element count).
    public func read(into destination: UnsafeMutableBufferPointer<Float>) throws(SafeTensorsError) {
        try file.read(entry, into: destination)
    }
}

/// The weights of a Hugging Face model folder as one set of tensors by name, whichever layout holds
/// them: a single `model.safetensors`, or `model.safetensors.index.json` (`{"metadata": {...},
/// "weight_map": {tensor: shard file}}`) with the shards it names. Like transformers, a folder with
/// both uses the single file.
///
/// The index is checked against the shards before anything is read: every shard it names exists and
/// parses, every tensor it lists is in the header of the shard it names, and every tensor in a shard
/// header is listed for that shard (so each tensor lives in exactly one shard). Shard files the index
/// does not name are not opened. The index's `metadata` (`total_size`) is not checked: writers
/// disagree on what it counts.
public final class SafeTensorsFolder: Sendable {
    public static let singleFile = "model.safetensors"
    public static let indexFile = "model.safetensors.index.json"

    public let folder: String
    /// The index file of a sharded folder, nil for a single file.
    public let indexPath: String?
    /// The files holding tensors: the single file, or the shards in name order.
    public let files: [SafeTensorsFile]
    private let locations: [String: SafeTensorsTensor]

    /// The file a report about the folder as a whole names: the index, or the single file.
    public var describingPath: String { indexPath ?? files[0].path }

    public init(folder: String) throws(SafeTensorsError) {
        self.folder = folder
        let single = folder + "/" + Self.singleFile, index = folder + "/" + Self.indexFile
        if FileSystem.exists(single) {
            indexPath = nil
            files = [try SafeTensorsFile(path: single)]
        } else if FileSystem.exists(index) {
            indexPath = index
            files = try Self.openShards(index: index, folder: folder)
        } else {
            throw SafeTensorsError(path: folder, message: "holds neither \(Self.singleFile) nor \(Self.indexFile)")
        }
        var locations: [String: SafeTensorsTensor] = [:]
        for file in files {
            for entry in file.entries { locations[entry.name] = SafeTensorsTensor(file: file, entry: entry) }
        }
        self.locations = locations
    }

    /// Every tensor, shard by shard in data order.
    public var tensors: [SafeTensorsTensor] {
        files.flatMap { file in file.entries.map { SafeTensorsTensor(file: file, entry: $0) } }
    }

    public func tensor(named name: String) -> SafeTensorsTensor? { locations[name] }

    // MARK: Index

    /// Parses the index, opens the shards it names and checks that they agree with it.
    private static func openShards(index: String, folder: String) throws(SafeTensorsError) -> [SafeTensorsFile] {
        let weightMap = try readWeightMap(index)
        var tensorsOfShard: [String: [String]] = [:]
        for (tensor, shard) in weightMap { tensorsOfShard[shard, default: []].append(tensor) }
        var files: [SafeTensorsFile] = []
        for shard in tensorsOfShard.keys.sorted() {
            let listed = tensorsOfShard[shard]!.sorted()
            let path = folder + "/" + shard
            guard FileSystem.exists(path) else {
                let others = listed.count > 1 ? " and \(listed.count - 1) other tensors" : ""
                throw SafeTensorsError(path: index, message: "names shard '\(shard)' (for '\(listed[0])'\(others)), "
                    + "which is not in the folder", tensor: listed[0])
            }
            let file = try SafeTensorsFile(path: path)
            for name in listed where file.entry(named: name) == nil {
                throw SafeTensorsError(path: path, message: "the index places tensor '\(name)' in this shard, "
                    + "whose header does not list it", tensor: name)
            }
            for entry in file.entries where weightMap[entry.name] != shard {
                let elsewhere = weightMap[entry.name].map { "the index places it in '\($0)'" } ?? "the index does not list it"
                throw SafeTensorsError(path: path, message: "tensor '\(entry.name)' is in this shard's header but "
                    + "\(elsewhere): each tensor must be in exactly one shard, the one the index names",
                    tensor: entry.name, byteOffset: file.fileOffset(of: entry))
            }
            files.append(file)
        }
        return files
    }

    /// `weight_map` of the index: tensor name -> shard file name (a plain name inside the folder).
    private static func readWeightMap(_ index: String) throws(SafeTensorsError) -> [String: String] {
        func bad(_ message: String) -> SafeTensorsError { SafeTensorsError(path: index, message: message) }
        let bytes: [UInt8]
        do { bytes = try FileInput.readAll(path: index, limit: 64 << 20) } catch {
            throw bad("cannot read: \(error.message)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)), let top = object as? [String: Any] else {
            throw bad("not a JSON object")
        }
        guard let map = top["weight_map"] as? [String: Any] else { throw bad("has no \"weight_map\" object") }
        guard !map.isEmpty else { throw bad("\"weight_map\" lists no tensors") }
        var weightMap: [String: String] = [:]
        for (tensor, value) in map {
            guard let shard = value as? String else { throw bad("\"weight_map\" entry '\(tensor)' is not a file name") }
            // Shards sit beside the index; a path elsewhere is refused rather than followed.
            guard !shard.isEmpty, !shard.contains("/"), shard != ".", shard != ".." else {
                throw bad("\"weight_map\" places '\(tensor)' in '\(shard)', which is not a file name in this folder")
            }
            weightMap[tensor] = shard
        }
        return weightMap
    }
}
