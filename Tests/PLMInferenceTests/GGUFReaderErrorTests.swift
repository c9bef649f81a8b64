import Foundation
import Testing
@testable import PLMInference

#if canImport(Glibc)
import Glibc
#endif

/// A GGUF image assembled by hand, to break one thing at a time.
struct GGUFImage {
    var magic = Array("GGUF".utf8)
    var version: UInt32 = 3
    var tensorCount: UInt64?
    var keyCount: UInt64?
    var metadata: [(String, GGUFValue)] = [("general.architecture", .string("plm"))]
    /// Raw bytes appended after the metadata (before the tensor infos), for malformed values.
    var rawMetadata: [UInt8] = []
    var tensors: [(name: String, dimensions: [Int64], type: UInt32, offset: UInt64)] = []
    var dataBytes = 0

    var bytes: [UInt8] {
        var e = GGUFEncoder()
        e.bytes = magic
        e.append(version)
        e.append(tensorCount ?? UInt64(tensors.count))
        e.append(keyCount ?? UInt64(metadata.count + (rawMetadata.isEmpty ? 0 : 1)))
        for (key, value) in metadata {
            e.append(key)
            e.append(value)
        }
        e.bytes += rawMetadata
        for tensor in tensors {
            e.append(tensor.name)
            e.append(UInt32(tensor.dimensions.count))
            for d in tensor.dimensions { e.append(d) }
            e.append(tensor.type)
            e.append(tensor.offset)
        }
        e.pad(to: 32)
        return e.bytes + [UInt8](repeating: 0x3F, count: dataBytes)
    }
}

/// Parses `bytes` from memory that ends right before an inaccessible page, so that a read past the
/// end of the image faults instead of going unnoticed.
func parseGuarded(_ bytes: [UInt8]) throws(GGUFError) -> GGUFFile {
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let body = (bytes.count + page - 1) / page * page
    let region = mmap(nil, body + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)!
    mprotect(region + body, page, PROT_NONE)
    let start = region + (body - bytes.count)
    bytes.withUnsafeBytes { if let base = $0.baseAddress { start.copyMemory(from: base, byteCount: bytes.count) } }
    let total = body + page, address = Int(bitPattern: region)
    let storage = WeightStorage(adopting: start, byteCount: bytes.count,
                                release: { _, _ in _ = munmap(UnsafeMutableRawPointer(bitPattern: address), total) })
    return try GGUFFile(storage: storage, path: "guarded.gguf")
}

@Suite struct GGUFReaderErrorTests {
    func failure(_ image: GGUFImage) -> GGUFError? { ggufError { _ = try parseGuarded(image.bytes) } }

    @Test func aValidImageParses() throws {
        var image = GGUFImage()
        image.tensors = [("a", [8], 0, 0), ("b", [32, 2], 8, 32)]
        image.dataBytes = 32 + 68
        let file = try parseGuarded(image.bytes)
        #expect(file.tensors.map(\.type) == [.f32, .q8_0])
    }

    @Test func headerFaultsNameTheOffset() {
        var image = GGUFImage()
        image.magic = Array("GGML".utf8)
        #expect(failure(image) == GGUFError(path: "guarded.gguf", offset: 0, message: "not a GGUF file: magic 'GGML', expected 'GGUF'"))
        for version: UInt32 in [0, 1, 4, 0x0300_0000] {
            image = GGUFImage()
            image.version = version
            #expect(failure(image)?.offset == 4, "version \(version)")
        }
        image = GGUFImage()
        image.tensorCount = 1 << 60
        #expect(failure(image)?.offset == 8)
        #expect(failure(image)?.message.contains("the tensor count is 1152921504606846976") == true)
        image = GGUFImage()
        image.keyCount = 5
        #expect(failure(image)?.offset != nil)
        #expect(ggufError { _ = try parseGuarded([]) }?.offset == 0)
        #expect(ggufError { _ = try parseGuarded(Array("GGUF".utf8)) }?.message.contains("inside the version") == true)
    }

    @Test func metadataFaultsNameTheKey() {
        var image = GGUFImage()
        var raw = GGUFEncoder()
        raw.append("odd.type")
        raw.append(UInt32(13))
        image.rawMetadata = raw.bytes
        let unknown = failure(image)
        #expect(unknown?.subject == "key 'odd.type'")
        #expect(unknown?.message == "unknown value type 13 (GGUF defines 0 to 12)")

        raw = GGUFEncoder()
        raw.append("long.string")
        raw.append(UInt32(8))
        raw.append(UInt64(1) << 40)
        image.rawMetadata = raw.bytes
        #expect(failure(image)?.message.contains("length 1099511627776 runs past the end") == true)

        raw = GGUFEncoder()
        raw.append("nested")
        raw.append(UInt32(9))
        raw.append(UInt32(9))
        image.rawMetadata = raw.bytes
        #expect(failure(image)?.message.contains("array of arrays") == true)

        raw = GGUFEncoder()
        raw.append("many")
        raw.append(UInt32(9))
        raw.append(UInt32(5))
        raw.append(UInt64(1) << 50)
        image.rawMetadata = raw.bytes
        #expect(failure(image)?.message.contains("the array length is 1125899906842624") == true)

        raw = GGUFEncoder()
        raw.append("flag")
        raw.append(UInt32(7))
        raw.bytes.append(2)
        image.rawMetadata = raw.bytes
        #expect(failure(image)?.message == "bool value 2 is neither 0 nor 1")

        raw = GGUFEncoder()
        raw.append(UInt64(2))
        raw.bytes += [0xC3, 0x28]
        image.rawMetadata = raw.bytes
        #expect(failure(image)?.message.contains("not valid UTF-8") == true)

        // GGUFMetadata keeps one entry per key, so the duplicate is written by hand.
        image = GGUFImage()
        var dup = GGUFEncoder()
        dup.append("general.architecture")
        dup.append(GGUFValue.string("again"))
        image.rawMetadata = dup.bytes
        #expect(failure(image)?.message.contains("appears twice") == true)

        for bad: GGUFValue in [.uint32(48), .uint64(32), .uint32(0)] {
            image = GGUFImage()
            image.metadata.append(("general.alignment", bad))
            #expect(failure(image)?.subject == "key 'general.alignment'", "\(bad)")
        }
    }

    @Test func tensorFaultsNameTheTensor() {
        func failing(_ tensors: [(String, [Int64], UInt32, UInt64)], data: Int = 4096) -> GGUFError? {
            var image = GGUFImage()
            image.tensors = tensors.map { (name: $0.0, dimensions: $0.1, type: $0.2, offset: $0.3) }
            image.dataBytes = data
            return failure(image)
        }
        let q4 = failing([("blk.0.attn_q.weight", [32, 4], 12, 0)])
        #expect(q4?.subject == "tensor 'blk.0.attn_q.weight'")
        #expect(q4?.message.contains("q4_K (ggml type 12)") == true)
        #expect(failing([("t", [1, 1, 1, 1, 1], 0, 0)])?.message.contains("5 dimensions") == true)
        #expect(failing([("t", [-1], 0, 0)])?.message.contains("negative") == true)
        #expect(failing([("t", [1 << 62, 1 << 62], 0, 0)])?.message.contains("more elements") == true)
        #expect(failing([("t", [40], 8, 0)])?.message.contains("not whole q8_0 blocks") == true)
        #expect(failing([("t", [4], 0, 8)])?.message.contains("not a multiple of the alignment 32") == true)
        let overlap = failing([("a", [16], 0, 0), ("b", [4], 0, 32)])
        #expect(overlap?.subject == "tensor 'b'")
        #expect(overlap?.message.contains("overlaps tensor 'a'") == true)
        let cut = failing([("a", [8], 0, 0), ("b", [1024], 0, 32), ("c", [1024], 0, 4128)], data: 2000)
        #expect(cut?.subject == "tensor 'b'", "the first tensor the file lacks, in data order")
        #expect(cut?.message.contains("the file is cut short") == true)
        #expect(failing([("a", [8], 0, 0), ("a", [8], 0, 32)])?.message.contains("appears twice") == true)
    }

    @Test func anEmptyFileOnDiskIsRefused() throws {
        try withTemporaryFolder { folder in
            #expect(FileManager.default.createFile(atPath: folder + "/empty.gguf", contents: Data()))
            #expect(ggufError { _ = try GGUFFile(path: folder + "/empty.gguf") }?.message.contains("empty") == true)
            #expect(ggufError { _ = try GGUFFile(path: folder + "/none.gguf") }?.message.contains("cannot open") == true)
            #expect(ggufError { _ = try GGUFFile(path: folder) }?.message == "not a regular file")
        }
    }

    /// Cutting a real model file anywhere before the end of its last tensor's data is an error (never a
    /// crash or a read past the end); cuts in the last padding leave every tensor whole.
    @Test func everyTruncationThrows() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/model.gguf"
            try GGUFFixtures.writeModel(to: path, type: .q8_0)
            let bytes = try fileBytes(path)
            let file = try GGUFFile(path: path)
            let end = file.tensors.map { $0.offset + $0.byteCount }.max()!
            var cuts = Array(0..<file.dataOffset)
            cuts += stride(from: file.dataOffset, to: end, by: 61)
            cuts += [end - 1]
            for cut in cuts {
                let error = ggufError { _ = try parseGuarded(Array(bytes.prefix(cut))) }
                #expect(error != nil, "cut at \(cut) was accepted")
                if cut >= file.dataOffset {
                    #expect(error?.message.contains("cut short") == true, "cut at \(cut): \(String(describing: error))")
                }
            }
            for cut in end..<bytes.count { _ = try PLMGGUFModel(file: try parseGuarded(Array(bytes.prefix(cut)))) }
        }
    }

    /// Flipping any byte of the header either is refused or gives some other valid file (a flipped
    /// letter in a token is still a string); it never crashes. The structural fields always refuse.
    @Test func flippedHeaderBytesNeverCrash() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/model.gguf"
            try GGUFFixtures.writeModel(to: path, type: .f16)
            let bytes = try fileBytes(path)
            let headerEnd = try GGUFFile(path: path).dataOffset
            var refused = 0, tried = 0
            for position in stride(from: 0, to: headerEnd, by: headerEnd > 4000 ? 3 : 1) {
                for mask: UInt8 in [0xFF, 0x01] {
                    var flipped = bytes
                    flipped[position] ^= mask
                    tried += 1
                    do {
                        _ = try PLMGGUFModel(file: try parseGuarded(flipped))
                        #expect(position >= 24, "a flip at \(position) in magic, version or counts was accepted")
                    } catch {
                        refused += 1
                    }
                }
            }
            #expect(refused > tried / 2)
        }
    }
}
