import Foundation
import Testing
@testable import PLMInference

/// The general GGUF writer and reader: every value type, tensor layout, streaming and atomic writes.
@Suite struct GGUFFileTests {
    static let everyValue: [(String, GGUFValue)] = [
        ("t.u8", .uint8(200)), ("t.i8", .int8(-100)), ("t.u16", .uint16(60000)), ("t.i16", .int16(-30000)),
        ("t.u32", .uint32(4_000_000_000)), ("t.i32", .int32(-2_000_000_000)), ("t.u64", .uint64(UInt64.max)),
        ("t.i64", .int64(Int64.min)), ("t.f32", .float32(-1.5e-7)), ("t.f64", .float64(2.718281828459045)),
        ("t.bool", .bool(true)), ("t.string", .string("héllo\n\"wörld\" 🚀")), ("t.empty", .string("")),
        ("a.u8", .array(.uint8([0, 1, 255]))), ("a.i8", .array(.int8([-128, 127]))),
        ("a.u16", .array(.uint16([1, 65535]))), ("a.i16", .array(.int16([-1, 2]))),
        ("a.u32", .array(.uint32([7]))), ("a.i32", .array(.int32([1, 3, 5, -7]))),
        ("a.u64", .array(.uint64([1 << 40]))), ("a.i64", .array(.int64([-(1 << 40)]))),
        ("a.f32", .array(.float32([0.5, -0.25]))), ("a.f64", .array(.float64([1e300]))),
        ("a.bool", .array(.bool([true, false, true]))), ("a.strings", .array(.string(["Ġthe", "", "<|im_end|>", "a b"]))),
        ("a.empty", .array(.int32([]))),
    ]

    @Test func metadataOfEveryTypeRoundTrips() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/values.gguf"
            let writer = try GGUFWriter(path: path, metadata: GGUFMetadata(Self.everyValue), tensors: [])
            let summary = try writer.finish()
            let file = try GGUFFile(path: path)
            #expect(file.version == 3)
            #expect(file.tensors.isEmpty)
            // general.alignment is added by the writer, after the caller's keys.
            #expect(file.metadata.keys == Self.everyValue.map(\.0) + ["general.alignment"])
            for (key, value) in Self.everyValue { #expect(file.metadata[key] == value, "\(key)") }
            #expect(file.metadata["general.alignment"] == .uint32(32))
            #expect(summary.byteCount == file.byteCount)
        }
    }

    @Test func tensorsAreAlignedAndReadInPlace() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/tensors.gguf"
            let values = (0..<96).map { Float($0) * 0.25 - 3 }
            let tensors = [
                GGUFTensorInfo(name: "odd", dimensions: [3], type: .f32),
                GGUFTensorInfo(name: "matrix", dimensions: [32, 3], type: .q8_0),
                GGUFTensorInfo(name: "half", dimensions: [5, 2], type: .f16),
                GGUFTensorInfo(name: "empty", dimensions: [0, 4], type: .f32),
                GGUFTensorInfo(name: "cube", dimensions: [2, 2, 2], type: .f32),
            ]
            let writer = try GGUFWriter(path: path, metadata: GGUFMetadata([("x", .bool(false))]), tensors: tensors)
            #expect(!FileManager.default.fileExists(atPath: path), "nothing under the final name before finish()")
            try values.prefix(3).withUnsafeBufferPointer { try writer.writeRows($0) }
            // A tensor may come in several pieces.
            try values.prefix(64).withUnsafeBufferPointer { try writer.writeRows($0) }
            try values[64..<96].withUnsafeBufferPointer { try writer.writeRows($0) }
            try values.prefix(10).withUnsafeBufferPointer { try writer.writeRows($0) }
            try values.prefix(8).withUnsafeBufferPointer { try writer.writeRows($0) }
            try writer.finish()
            #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))

            let file = try GGUFFile(path: path)
            #expect(file.tensors.map(\.name) == tensors.map(\.name))
            #expect(file.tensors.map(\.dimensions) == tensors.map(\.dimensions))
            #expect(file.dataOffset % 32 == 0)
            for tensor in file.tensors { #expect(tensor.offset % 32 == 0, "\(tensor.name)") }
            #expect(file.byteCount % 32 == 0, "the last tensor is padded too")
            #expect(file.matrix(file.tensor(named: "odd")!).decoded() == Array(values.prefix(3)))
            let q = file.matrix(file.tensor(named: "matrix")!)
            #expect(q.rows == 3 && q.columns == 32)
            let expected = WeightMatrix.converting(values, rows: 3, columns: 32, to: .q8_0).decoded()
            #expect(q.decoded() == expected)
            #expect(file.matrix(file.tensor(named: "half")!).decoded() == values.prefix(10).map { Float(Float16($0)) })
            #expect(file.matrix(file.tensor(named: "empty")!).decoded().isEmpty)
            #expect(file.matrix(file.tensor(named: "cube")!).rows == 4)
        }
    }

    @Test func matricesOutliveTheFileObject() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/keep.gguf"
            let writer = try GGUFWriter(path: path, metadata: GGUFMetadata(),
                                        tensors: [GGUFTensorInfo(name: "w", dimensions: [4, 2], type: .f32)])
            let values: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]
            try values.withUnsafeBufferPointer { try writer.writeRows($0) }
            try writer.finish()
            var matrix: WeightMatrix?
            do {
                let file = try GGUFFile(path: path)
                matrix = file.matrix(file.tensors[0])
            }
            // The mapping stays alive through the matrix's storage.
            #expect(matrix!.decoded() == values)
        }
    }

    @Test func writerRefusesWhatLlamaCppWouldRefuse() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/bad.gguf"
            func refused(_ tensors: [GGUFTensorInfo], _ metadata: GGUFMetadata = GGUFMetadata(), alignment: Int = 32) -> GGUFError? {
                ggufError { _ = try GGUFWriter(path: path, metadata: metadata, tensors: tensors, alignment: alignment) }
            }
            let w = GGUFTensorInfo(name: "w", dimensions: [32], type: .f32)
            #expect(refused([w, w])?.message == "declared twice")
            #expect(refused([GGUFTensorInfo(name: "q", dimensions: [48, 2], type: .q8_0)])?.subject == "tensor 'q'")
            #expect(refused([GGUFTensorInfo(name: "r", dimensions: [1, 1, 1, 1, 1], type: .f32)]) != nil)
            #expect(refused([GGUFTensorInfo(name: "", dimensions: [1], type: .f32)]) != nil)
            #expect(refused([w], alignment: 24) != nil)
            #expect(refused([w], GGUFMetadata([("general.alignment", .uint32(64))])) != nil)
            #expect(refused([w], GGUFMetadata([("", .bool(true))])) != nil)
            #expect(!FileManager.default.fileExists(atPath: path) && !FileManager.default.fileExists(atPath: path + ".tmp"))
        }
    }

    @Test func writerChecksTheDataItIsGiven() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/short.gguf"
            var writer: GGUFWriter? = try GGUFWriter(
                path: path, metadata: GGUFMetadata(),
                tensors: [GGUFTensorInfo(name: "a", dimensions: [4], type: .f32), GGUFTensorInfo(name: "b", dimensions: [2], type: .f32)])
            let five = [Float](repeating: 1, count: 5)
            #expect(ggufError { try five.withUnsafeBufferPointer { try writer!.write(UnsafeRawBufferPointer($0)) } }?.subject == "tensor 'a'")
            // Whole rows beyond the tensor are refused before any byte is written (not spilled into the next).
            let eight = [Float](repeating: 1, count: 8)
            #expect(ggufError { try eight.withUnsafeBufferPointer { try writer!.writeRows($0) } }?.message == "2 rows given, only 1 of its 1 remain")
            try five.prefix(4).withUnsafeBufferPointer { try writer!.writeRows($0) }
            let error = ggufError { try writer!.finish() }
            #expect(error?.subject == "tensor 'b'")
            #expect(error?.message.contains("only 0 of its 8 bytes") == true)
            writer = nil
            // Dropped before finishing: no file, no temporary.
            #expect(!FileManager.default.fileExists(atPath: path) && !FileManager.default.fileExists(atPath: path + ".tmp"))
        }
    }

    @Test func headerBytesAreTheSpecifiedLayout() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/layout.gguf"
            let writer = try GGUFWriter(path: path, metadata: GGUFMetadata([("k", .string("v"))]),
                                        tensors: [GGUFTensorInfo(name: "t", dimensions: [2], type: .f32)])
            try [Float(1), 2].withUnsafeBufferPointer { try writer.writeRows($0) }
            try writer.finish()
            let bytes = try fileBytes(path)
            var expected: [UInt8] = Array("GGUF".utf8) + [3, 0, 0, 0] + le(UInt64(1)) + le(UInt64(2))
            expected += le(UInt64(1)) + Array("k".utf8) + le(UInt32(8)) + le(UInt64(1)) + Array("v".utf8)
            expected += le(UInt64(17)) + Array("general.alignment".utf8) + le(UInt32(4)) + le(UInt32(32))
            expected += le(UInt64(1)) + Array("t".utf8) + le(UInt32(1)) + le(Int64(2)) + le(UInt32(0)) + le(UInt64(0))
            expected += [UInt8](repeating: 0, count: (32 - expected.count % 32) % 32)
            expected += le(Float(1).bitPattern) + le(Float(2).bitPattern) + [UInt8](repeating: 0, count: 24)
            #expect(bytes == expected)
        }
    }
}

func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
