import Testing
@testable import CorpusIO

/// Reference values from the `xxhash` Python package (python-xxhash 4.1.0, libxxhash 0.8.4),
/// produced once with:
///
///     pip install xxhash
///     python3 -c '
///     import xxhash
///     pattern = bytes(i % 251 for i in range(1000))
///     for data in [b"", b"a", b"abc", pattern, "héllo, wörld ✓".encode()]:
///         print(hex(xxhash.xxh64_intdigest(data, seed=0)), hex(xxhash.xxh64_intdigest(data, seed=1)),
///               hex(xxhash.xxh3_64_intdigest(data)), xxhash.xxh3_128_hexdigest(data))'
struct HashVector: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let xxh64Seed0: UInt64
    let xxh64Seed1: UInt64
    let xxh3_64: UInt64
    let xxh3_128Hex: String
    var testDescription: String { name }
}

/// The 1000-byte pattern `bytes(i % 251 for i in range(1000))`.
let pattern1000: [UInt8] = (0..<1000).map { UInt8($0 % 251) }

let hashVectors: [HashVector] = [
    HashVector(name: "empty", bytes: [],
               xxh64Seed0: 0xef46db3751d8e999, xxh64Seed1: 0xd5afba1336a3be4b,
               xxh3_64: 0x2d06800538d394c2, xxh3_128Hex: "99aa06d3014798d86001c324468d497f"),
    HashVector(name: "a", bytes: Array("a".utf8),
               xxh64Seed0: 0xd24ec4f1a98c6e5b, xxh64Seed1: 0xdec2bc81c3cd46c6,
               xxh3_64: 0xe6c632b61e964e1f, xxh3_128Hex: "a96faf705af16834e6c632b61e964e1f"),
    HashVector(name: "abc", bytes: Array("abc".utf8),
               xxh64Seed0: 0x44bc2cf5ad770999, xxh64Seed1: 0xbea9ca8199328908,
               xxh3_64: 0x78af5f94892f3950, xxh3_128Hex: "06b05ab6733a618578af5f94892f3950"),
    HashVector(name: "pattern1000", bytes: pattern1000,
               xxh64Seed0: 0xf306f04aa88b54d3, xxh64Seed1: 0x3dd8a345cc37de33,
               xxh3_64: 0x33ef703fb2b20ed1, xxh3_128Hex: "18bf41bc8229e27733ef703fb2b20ed1"),
    HashVector(name: "utf8", bytes: Array("héllo, wörld ✓".utf8),
               xxh64Seed0: 0xd213ee03a70355c2, xxh64Seed1: 0x459fbaba7f51b9e9,
               xxh3_64: 0x96cd85d0c6d08457, xxh3_128Hex: "98588c77691a8614798cb8324f1685a1"),
]

@Suite("XXHash")
struct XXHashTests {
    @Test("byte-buffer hashes match the reference implementation", arguments: hashVectors)
    func bufferHashes(vector: HashVector) {
        vector.bytes.withUnsafeBytes { buffer in
            #expect(XXHash.xxh64(buffer) == vector.xxh64Seed0)
            #expect(XXHash.xxh64(buffer, seed: 0) == vector.xxh64Seed0)
            #expect(XXHash.xxh64(buffer, seed: 1) == vector.xxh64Seed1)
            #expect(XXHash.xxh3_64(buffer) == vector.xxh3_64)
            #expect(XXHash.xxh3_128(buffer).description == vector.xxh3_128Hex)
        }
    }

    @Test("string hashes equal the hashes of their UTF-8 bytes", arguments: hashVectors.filter { $0.name != "pattern1000" })
    func stringHashes(vector: HashVector) throws {
        let text = try #require(String(validating: vector.bytes, as: UTF8.self))
        #expect(XXHash.xxh64(text) == vector.xxh64Seed0)
        #expect(XXHash.xxh64(text, seed: 1) == vector.xxh64Seed1)
        #expect(XXHash.xxh3_64(text) == vector.xxh3_64)
        #expect(XXHash.xxh3_128(text).description == vector.xxh3_128Hex)
    }

    @Test("a slice hashes like the same bytes on their own")
    func sliceHashes() {
        let padded: [UInt8] = Array("xxabcyy".utf8)
        padded.withUnsafeBytes { all in
            let middle = UnsafeRawBufferPointer(rebasing: all[2..<5])
            #expect(XXHash.xxh64(middle) == 0x44bc2cf5ad770999)
            #expect(XXHash.xxh3_64(middle) == 0x78af5f94892f3950)
            #expect(XXHash.xxh3_128(middle) == Hash128(high: 0x06b05ab6733a6185, low: 0x78af5f94892f3950))
        }
    }

    @Test("Hash128 halves: high is the first 16 hex digits")
    func hash128Halves() {
        let hash = XXHash.xxh3_128("abc")
        #expect(hash.high == 0x06b05ab6733a6185)
        #expect(hash.low == 0x78af5f94892f3950)
        #expect(hash == Hash128(high: 0x06b05ab6733a6185, low: 0x78af5f94892f3950))
        #expect(hash != Hash128(high: 0x78af5f94892f3950, low: 0x06b05ab6733a6185))
    }

    @Test("Hash128.description is 32 lowercase hex digits, zero padded, high first", arguments: [
        (Hash128(high: 0, low: 0), "00000000000000000000000000000000"),
        (Hash128(high: 0, low: 1), "00000000000000000000000000000001"),
        (Hash128(high: 1, low: 0), "00000000000000010000000000000000"),
        (Hash128(high: 0xABCDEF, low: 0x0F), "0000000000abcdef000000000000000f"),
        (Hash128(high: .max, low: .max), "ffffffffffffffffffffffffffffffff"),
    ])
    func hash128Description(hash: Hash128, expected: String) {
        #expect(hash.description == expected)
        #expect("\(hash)" == expected)
    }

    @Test("hex() pads to 16 lowercase digits", arguments: [
        (UInt64(0), "0000000000000000"),
        (UInt64(0xff), "00000000000000ff"),
        (UInt64(0x1234_5678_9abc_def0), "123456789abcdef0"),
        (UInt64.max, "ffffffffffffffff"),
    ])
    func hexPadding(value: UInt64, expected: String) {
        #expect(hex(value) == expected)
    }

    @Test("Hash128 orders by high half, then low half")
    func hash128Order() {
        let values = [
            Hash128(high: 2, low: 0),
            Hash128(high: 1, low: .max),
            Hash128(high: 1, low: 5),
            Hash128(high: 0, low: 9),
        ]
        #expect(values.sorted() == [
            Hash128(high: 0, low: 9),
            Hash128(high: 1, low: 5),
            Hash128(high: 1, low: .max),
            Hash128(high: 2, low: 0),
        ])
        #expect(Hash128(high: 1, low: 0) > Hash128(high: 0, low: .max))
        #expect(!(Hash128(high: 3, low: 3) < Hash128(high: 3, low: 3)))
        #expect(Set([Hash128(high: 1, low: 2), Hash128(high: 1, low: 2), Hash128(high: 2, low: 1)]).count == 2)
    }
}
