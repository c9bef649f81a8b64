import Foundation
import Testing
@testable import Curation

/// datatrove's MinHash outputs for tricky texts, made by `Benchmarks/datatrove/make_minhash_golden.py`
/// (datatrove 0.10.1, default MinhashConfig, whitespace word tokenizer). 64-bit values are decimal strings.
struct MinHashGolden: Decodable {
    struct Header: Decodable {
        var datatrove: String
        var python: String
    }

    struct Record: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        /// `simplify_text(text)` as datatrove returns it (may hold runs of spaces).
        var simplified: String
        /// `simplified.split()`.
        var words: [String]
        var shingles: [String]
        var signature: [String]?

        var testDescription: String { name }
    }

    var header: Header
    var records: [Record]

    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/minhash-golden.json")

    static func load() throws -> MinHashGolden {
        try JSONDecoder().decode(MinHashGolden.self, from: Data(contentsOf: url))
    }

    /// The records for parameterized tests; empty if the file is unreadable (`fixtureLoads` then fails).
    static let records: [Record] = (try? load())?.records ?? []
}

/// Strings compared scalar by scalar: Swift's `==` treats canonically equivalent strings as equal
/// ("é" and "e\u{301}"), which would hide exactly the differences these tests look for.
private func sameScalars(_ lhs: String, _ rhs: String) -> Bool {
    lhs.unicodeScalars.elementsEqual(rhs.unicodeScalars)
}

/// A readable form for failure messages: ASCII as is, everything else as `\u{X}`.
private func escaped(_ text: String) -> String {
    text.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? String($0) : "\\u{\(String($0.value, radix: 16))}" }
        .joined()
}

private func decimals(_ values: [String], _ name: String) throws -> [UInt64] {
    try values.map { try #require(UInt64($0), "\(name): \($0) is not a UInt64") }
}

/// Where two hash lists first differ, for failure messages.
private func firstDifference(_ got: [UInt64]?, _ expected: [UInt64]?) -> String {
    guard let got, let expected else { return "got \(got == nil ? "nil" : "a signature"), datatrove \(expected == nil ? "nil" : "a signature")" }
    if got.count != expected.count { return "\(got.count) values, datatrove \(expected.count)" }
    guard let index = got.indices.first(where: { got[$0] != expected[$0] }) else { return "equal" }
    return "first difference at \(index): \(got[index]), datatrove \(expected[index])"
}

@Suite("MinHash matches datatrove 0.10.1 (golden file)")
struct MinHashGoldenTests {
    @Test("the golden file loads and covers the expected cases")
    func fixtureLoads() throws {
        let golden = try MinHashGolden.load()
        #expect(golden.header.datatrove == "0.10.1")
        #expect(golden.records.count >= 50)
        let names = golden.records.map(\.name)
        #expect(Set(names).count == names.count, "record names must be unique")
        for name in ["empty", "whitespace_only", "four_words", "five_words", "six_words", "greek_final_sigma",
                     "greek_question_mark", "hangul", "prose_long", "code_python"] {
            #expect(names.contains(name), "missing record \(name)")
        }
        #expect(golden.records.allSatisfy { $0.signature == nil || $0.signature?.count == 112 })
    }

    @Test("defaults are datatrove's MinhashConfig")
    func defaultConfig() {
        let config = MinHashConfig()
        #expect(config.ngramSize == 5 && config.buckets == 14 && config.hashesPerBucket == 8 && config.seed == 1)
        #expect(config.buckets * config.hashesPerBucket == MinHashPermutations.defaultA.count)
    }

    @Test("simplified text", arguments: MinHashGolden.records)
    func simplify(_ record: MinHashGolden.Record) {
        let expected = record.words.joined(separator: " ")
        let got = TextSimplifier.simplify(record.text)
        #expect(sameScalars(got, expected),
                "\(record.name): got \"\(escaped(got))\", datatrove \"\(escaped(expected))\"")
    }

    @Test("shingles", arguments: MinHashGolden.records)
    func shingles(_ record: MinHashGolden.Record) throws {
        let expected = try decimals(record.shingles, record.name)
        let got = MinHasher(config: MinHashConfig()).shingles(record.text)
        #expect(got == expected, "\(record.name): \(firstDifference(got, expected))")
    }

    @Test("signature", arguments: MinHashGolden.records)
    func signature(_ record: MinHashGolden.Record) throws {
        let expected = try record.signature.map { try decimals($0, record.name) }
        let got = MinHasher(config: MinHashConfig()).signature(record.text)
        #expect(got == expected, "\(record.name): \(firstDifference(got, expected))")
    }
}

/// Expected `a`, `b` of `numpy.random.RandomState(seed)`: `randint(1, p, uint64, count)` then `randint(0, p, ...)`.
struct PermutationCase: Sendable, CustomTestStringConvertible {
    var count: Int
    var seed: UInt32
    var a: [UInt64]
    var b: [UInt64]
    var testDescription: String { "count \(count), seed \(seed)" }
}

/// Expected `numpy.random.RandomState(seed).randint(low, highInclusive + 1, dtype=np.uint64, size=n)`.
struct RandintCase: Sendable, CustomTestStringConvertible {
    var seed: UInt32
    var low: UInt64
    var highInclusive: UInt64
    var values: [UInt64]
    var testDescription: String { "seed \(seed), [\(low), \(highInclusive)]" }
}

@Suite("MinHash permutations match numpy's legacy RandomState")
struct MinHashPermutationTests {
    @Test("the embedded default table is what the port computes for (112, seed 1)")
    func defaultTable() {
        #expect(MinHashPermutations.defaultA.count == 112 && MinHashPermutations.defaultB.count == 112)
        let computed = MinHashPermutations.computeParameters(count: 112, seed: 1)
        #expect(computed.a == MinHashPermutations.defaultA)
        #expect(computed.b == MinHashPermutations.defaultB)
        let served = MinHashPermutations.parameters(count: 112, seed: 1)
        #expect(served.a == MinHashPermutations.defaultA && served.b == MinHashPermutations.defaultB)
        let p = MinHashPermutations.mersennePrime
        #expect(MinHashPermutations.defaultA.allSatisfy { $0 >= 1 && $0 < p })
        #expect(MinHashPermutations.defaultB.allSatisfy { $0 < p })
    }

    @Test("parameters for other counts and seeds", arguments: Self.parameterCases)
    func otherParameters(_ expected: PermutationCase) {
        let got = MinHashPermutations.parameters(count: expected.count, seed: expected.seed)
        #expect(got.a == expected.a)
        #expect(got.b == expected.b)
    }

    @Test("randint through each path of numpy's bounded generator", arguments: Self.randintCases)
    func randint(_ expected: RandintCase) {
        var generator = NumPyRandomState(seed: expected.seed)
        let got = generator.randint(low: expected.low, highInclusive: expected.highInclusive,
                                    count: expected.values.count)
        #expect(got == expected.values)
    }

    @Test("MT19937 raw outputs equal the reference generator's (seed 5489)")
    func rawOutputs() {
        // std::mt19937 with the reference default seed 5489: its 10000th output is 4123659995.
        var generator = NumPyRandomState(seed: 5489)
        var last: UInt32 = 0
        for _ in 0..<10_000 { last = generator.next32() }
        #expect(last == 4_123_659_995)
    }

    // Generated by `python Benchmarks/datatrove/make_permutations.py --test-cases` (numpy 2.4.6).
    static let parameterCases: [PermutationCase] = [
        PermutationCase(count: 112, seed: 1, a: [
            0x0ac1f425ff4780ec, 0x18672f8ceebc1449, 0x00077eff20ccc38a, 0x0d65aacbffc11e86,
            0x0591cb4f3c7053c1, 0x17a3809065865082, 0x0faebfcc634e1e48, 0x1876aaedab7479fd,
            0x05928d86ef7f7d1a, 0x09efe4b2d8a7d515, 0x0b5054fe5032b166, 0x0f6a8b928648c9d5,
            0x1456fb8b718620fd, 0x00cc4dea3ac5929d, 0x0702df9d88cf598f, 0x0ba3c232e9f96a45,
            0x0ad47cd7750b5fd8, 0x0f064be96e4242f2, 0x03f065f7f06aaddf, 0x12b6c760c7448457,
            0x0cfd988db749d7ea, 0x17dffd89cd818408, 0x103c913f17c1cb3e, 0x113c0e1684a5a53a,
            0x005b0a01dd71f781, 0x0504f13cd442f8d2, 0x15c57508d460e2d9, 0x09ff7e8d45e69a74,
            0x0b7a01af0f2a8feb, 0x00cdf279aba7b9c9, 0x192d421e97d32448, 0x0bcdb583abf185c7,
            0x15383f95696aee32, 0x087d85393292b204, 0x111edbc44a252b19, 0x10c5a1f12461fc2c,
            0x0fbe864cc8874c1b, 0x15aa0734699c2551, 0x04ae8a6d08bf7374, 0x000975299fc06dd3,
            0x1d26000fa91f6c41, 0x1f87c8c44c6a301a, 0x07cb2d6f7235dee3, 0x0a0e35d738dd2788,
            0x1a6d051a12c7fe9a, 0x12a9266878200417, 0x0899b709189ebec4, 0x0b2a4be7e743447f,
            0x09aba5171e96ed7e, 0x01498d648659409c, 0x04f53ba51568513a, 0x0dc82a53eab76ca7,
            0x162d4288e9132521, 0x03fadda24c86af0b, 0x1dd7bd17959a8690, 0x0da92aef90df9c58,
            0x12f95f199d2b0fc8, 0x059000f3f4df855d, 0x16dcba4a42cf84bf, 0x13235d2e3b23d3a1,
            0x1a3296d888901498, 0x09ff92b7f32f2542, 0x11c435717e39274e, 0x0a07a7038a64cb81,
            0x0cc9bff8c3f6d4fe, 0x093081cd0b9bc707, 0x09ee723423d4d1d6, 0x03cfc5c6cadaf603,
            0x11d0f64c07a10fdc, 0x16287895e21482cc, 0x074559078a71184e, 0x03318ac872aed44c,
            0x03a79d4ce463042c, 0x0eb1321460a95e1f, 0x05ce262489d63368, 0x0a54a707a6fd0f2e,
            0x0d7133c45c7b9a3a, 0x19072ef0922d9dfd, 0x003538d2a3494061, 0x19db010d20562c0b,
            0x02205917b0b13f7d, 0x1fa8fb51a5d2e788, 0x003dc3795a9bc099, 0x195166cac3633ddd,
            0x0519fe945b45a9a1, 0x0558cc8cc0b6bcc2, 0x0d97625ee19f9e3d, 0x16ffc1e902fcc099,
            0x09d74d527f841374, 0x1f27736112e40883, 0x1d5ffdecc975a6dd, 0x1311ba671066b763,
            0x132d710a5af59eb7, 0x14115760f11c39ea, 0x087ba752613ac9d7, 0x1cadccc6c34ebac3,
            0x0743e147c5873fe8, 0x12dca8b04d25f637, 0x00bc1c0fc5d23b86, 0x1dfd3591272668ab,
            0x139f001494215a77, 0x06ed47b0024e5917, 0x02cd19e5b583cf8e, 0x1b7607f1787bea73,
            0x0895c261c3bc56b6, 0x1f94875477a70c0b, 0x040cdc6044dd40b8, 0x0def993dd4e9ce39,
            0x10de9ed98d23a196, 0x1f508ce711f0dc61, 0x0c1e81f978f41fd4, 0x031b5419be25d5f2,
        ], b: [
            0x0ebe938e3124088d, 0x1262acd476dd1e74, 0x10e5632b3af90e86, 0x016606cd821c82b8,
            0x00fe07bb3564bb8f, 0x0c4b56180c9f33fb, 0x16267c8984d421c2, 0x1fd038c72c1a6f35,
            0x0516dd456574c9a4, 0x06b5c3651b7c4af8, 0x073f18158282ed28, 0x1f07b04d1a2588db,
            0x1c2acab149e96971, 0x09f0d52f3b5485cd, 0x0d85bda8f7b915ce, 0x178f562d473fe757,
            0x1fc9d2903bceaf9c, 0x077894ea17703e2d, 0x15f451c391efe374, 0x18376d426afd3bce,
            0x0f9fad2e5e2af980, 0x04c6119dd020703f, 0x0cf6434b4a2db623, 0x1ba433b5b7a6f9dd,
            0x0e9e72219cea2a82, 0x034ad5d46d49f653, 0x1d111430c07abf36, 0x1f435d206d8520fd,
            0x0e65c29c6daa7837, 0x02eebad25ca5c51f, 0x0f56c41c274130de, 0x1f105d4aefebb488,
            0x0b67c06dea99d663, 0x1b84bc20c82e6e08, 0x19c816549dc7bbcd, 0x168672320937424f,
            0x0f499ca9a781c340, 0x0336de6c213894d3, 0x126ce8184b5b2471, 0x179f6bea5c5e5b14,
            0x116f082c464f250f, 0x140b069e12efa1db, 0x00986b8e26f275f3, 0x1e6b5f13295fd4fb,
            0x1207aa9af04f68eb, 0x14d3f0565f02a187, 0x18533ae30ccdfc35, 0x18c9c5afbdaf436e,
            0x1d66a9bc4c764ef3, 0x1e67b1223450d064, 0x1eb56ae4fb546720, 0x14381793e49d09c3,
            0x08237b18c264aed3, 0x04c168e5a6afd65e, 0x11ecf8a60a28b2af, 0x1c811ce7d05a3385,
            0x1b38684fc337fe3f, 0x11a03f71748d6457, 0x113ea9a08825c72a, 0x1d15f2ca1bfd72c2,
            0x146a2ed8256266e2, 0x0150ee9e823ffa91, 0x0d0af1443734db40, 0x1ece3cbcea9c0df4,
            0x0b52d8ce764fa091, 0x03d1c4a721dc44a3, 0x10fb51d1c3a5569c, 0x1ebdd6963675b726,
            0x01352aa9130299ca, 0x15cdf6cd186d6546, 0x00b4969929864ce6, 0x110888f05b413430,
            0x02a402b2186617be, 0x0e04652c24ace269, 0x1184e8b6ee56dd00, 0x03b3b556939b05f7,
            0x0650cb10d6f2fd13, 0x0cc037099f901270, 0x03676adc53139433, 0x10e2d36fba5ef88a,
            0x1c2d487b85d21144, 0x05ad7597bc9fad0e, 0x08669ebf2a580e15, 0x0e95b8aeafe30d7c,
            0x039254836d4379b8, 0x1bff2758ba82bcd0, 0x1de52faec19f3236, 0x12f2bbcf65c9da47,
            0x133ebdfcecd9ea0e, 0x0e80d2cd3419408f, 0x0a652d99020c7735, 0x043daed4ed2551f9,
            0x03d78bba4b651bd5, 0x1c69e2722abd56ee, 0x1ab4179d062b862c, 0x0caf2c2573b66096,
            0x0d1a39dbceef49b6, 0x0b321d4c5e4df20c, 0x051691789bf4fd3b, 0x16985f9a08ebc7cc,
            0x0c885bc75ac592d7, 0x005721a71419e27d, 0x02948c2bb17495cc, 0x0173137203412326,
            0x0582a65b75a4c270, 0x12ae2cfdf618e345, 0x13bdd6e2558d29a1, 0x03d848ab78da759a,
            0x0d1b32b81afaebc5, 0x15021e4980c99534, 0x01890259e2bc921b, 0x0f3ac82b88ccf401,
        ]),
        PermutationCase(count: 64, seed: 1, a: [
            0x0ac1f425ff4780ec, 0x18672f8ceebc1449, 0x00077eff20ccc38a, 0x0d65aacbffc11e86,
            0x0591cb4f3c7053c1, 0x17a3809065865082, 0x0faebfcc634e1e48, 0x1876aaedab7479fd,
            0x05928d86ef7f7d1a, 0x09efe4b2d8a7d515, 0x0b5054fe5032b166, 0x0f6a8b928648c9d5,
            0x1456fb8b718620fd, 0x00cc4dea3ac5929d, 0x0702df9d88cf598f, 0x0ba3c232e9f96a45,
            0x0ad47cd7750b5fd8, 0x0f064be96e4242f2, 0x03f065f7f06aaddf, 0x12b6c760c7448457,
            0x0cfd988db749d7ea, 0x17dffd89cd818408, 0x103c913f17c1cb3e, 0x113c0e1684a5a53a,
            0x005b0a01dd71f781, 0x0504f13cd442f8d2, 0x15c57508d460e2d9, 0x09ff7e8d45e69a74,
            0x0b7a01af0f2a8feb, 0x00cdf279aba7b9c9, 0x192d421e97d32448, 0x0bcdb583abf185c7,
            0x15383f95696aee32, 0x087d85393292b204, 0x111edbc44a252b19, 0x10c5a1f12461fc2c,
            0x0fbe864cc8874c1b, 0x15aa0734699c2551, 0x04ae8a6d08bf7374, 0x000975299fc06dd3,
            0x1d26000fa91f6c41, 0x1f87c8c44c6a301a, 0x07cb2d6f7235dee3, 0x0a0e35d738dd2788,
            0x1a6d051a12c7fe9a, 0x12a9266878200417, 0x0899b709189ebec4, 0x0b2a4be7e743447f,
            0x09aba5171e96ed7e, 0x01498d648659409c, 0x04f53ba51568513a, 0x0dc82a53eab76ca7,
            0x162d4288e9132521, 0x03fadda24c86af0b, 0x1dd7bd17959a8690, 0x0da92aef90df9c58,
            0x12f95f199d2b0fc8, 0x059000f3f4df855d, 0x16dcba4a42cf84bf, 0x13235d2e3b23d3a1,
            0x1a3296d888901498, 0x09ff92b7f32f2542, 0x11c435717e39274e, 0x0a07a7038a64cb81,
        ], b: [
            0x0cc9bff8c3f6d4fd, 0x093081cd0b9bc706, 0x09ee723423d4d1d5, 0x03cfc5c6cadaf602,
            0x11d0f64c07a10fdb, 0x16287895e21482cb, 0x074559078a71184d, 0x03318ac872aed44b,
            0x03a79d4ce463042b, 0x0eb1321460a95e1e, 0x05ce262489d63367, 0x0a54a707a6fd0f2d,
            0x0d7133c45c7b9a39, 0x19072ef0922d9dfc, 0x003538d2a3494060, 0x19db010d20562c0a,
            0x02205917b0b13f7c, 0x1fa8fb51a5d2e787, 0x003dc3795a9bc098, 0x195166cac3633ddc,
            0x0519fe945b45a9a0, 0x0558cc8cc0b6bcc1, 0x0d97625ee19f9e3c, 0x16ffc1e902fcc098,
            0x09d74d527f841373, 0x1f27736112e40882, 0x1d5ffdecc975a6dc, 0x1311ba671066b762,
            0x132d710a5af59eb6, 0x14115760f11c39e9, 0x087ba752613ac9d6, 0x1cadccc6c34ebac2,
            0x0743e147c5873fe7, 0x12dca8b04d25f636, 0x00bc1c0fc5d23b85, 0x1dfd3591272668aa,
            0x139f001494215a76, 0x06ed47b0024e5916, 0x02cd19e5b583cf8d, 0x1b7607f1787bea72,
            0x0895c261c3bc56b5, 0x1f94875477a70c0a, 0x040cdc6044dd40b7, 0x0def993dd4e9ce38,
            0x10de9ed98d23a195, 0x1f508ce711f0dc60, 0x0c1e81f978f41fd3, 0x031b5419be25d5f1,
            0x0ebe938e3124088d, 0x1262acd476dd1e74, 0x10e5632b3af90e86, 0x016606cd821c82b8,
            0x00fe07bb3564bb8f, 0x0c4b56180c9f33fb, 0x16267c8984d421c2, 0x1fd038c72c1a6f35,
            0x0516dd456574c9a4, 0x06b5c3651b7c4af8, 0x073f18158282ed28, 0x1f07b04d1a2588db,
            0x1c2acab149e96971, 0x09f0d52f3b5485cd, 0x0d85bda8f7b915ce, 0x178f562d473fe757,
        ]),
        PermutationCase(count: 20, seed: 42, a: [
            0x1fe1dc66cbea3db4, 0x1362035c2ef5950f, 0x1b63f46ac799d448, 0x1941aebc98cb2c15,
            0x07f0d6667222187a, 0x07ef41d21997f4d7, 0x0ede914a759155cb, 0x1dbdb857556ded75,
            0x19e2ac632492eb68, 0x15443e97a6a0a083, 0x054506950e70fd35, 0x184c0301b8d4e958,
            0x151af5ebf044fd9e, 0x165bdb2500330982, 0x0e8c14bffe0193bc, 0x0ef399149e1344a1,
            0x0de2d1cb9c954d3a, 0x0656701501cf18fd, 0x0e93f2eb05e76b59, 0x0a8dfe308657a1db,
        ], b: [
            0x1ca2643a665d49fe, 0x03b5dea90bf247ff, 0x0ac9fddbf9480abb, 0x1dc9e3cf3b96e70e,
            0x14c100bd1731fbbd, 0x09014aae9e4e8bbd, 0x131dd23261e9076b, 0x03a4de36fbb504f3,
            0x17a87b3f777dc5f8, 0x0be42c82dc250de4, 0x1b880f32ae28a286, 0x0ba778147353eb48,
            0x10a738a603655511, 0x12ea2983f1342258, 0x1733a93b9033a80d, 0x0ef320f162aaa7f9,
            0x0dfb2b0804165d59, 0x19010a343b1bdb81, 0x0f29e5533db3d85b, 0x10add56eaeea5bbb,
        ]),
        PermutationCase(count: 128, seed: 7, a: [
            0x1388f0af3a32e4c5, 0x07a8c21951a829f7, 0x103b9643fa6cd0d4, 0x1935039774a13668,
            0x1a5d855c4ed9ecba, 0x09dadd8e438d0a18, 0x00496e481634d15a, 0x1271f16e6b5bfa2b,
            0x04b86ada0412b389, 0x1ff84ca7871b97e7, 0x0de20444de69c5b1, 0x0dc1d77f54b1e188,
            0x01855bac6497de01, 0x10e1344baca0eb38, 0x09c3e8faac1cfc07, 0x08db1f13b1ac0dbd,
            0x16a06c2c5891aec0, 0x13be6545edf58f39, 0x0e6384984338b0b8, 0x065fcbb5c031fc71,
            0x19bd92fb4140bcbe, 0x133bafc0d9ee7123, 0x1af521382c8eb8ca, 0x0c69d5ceca6f7a27,
            0x08bca304f00879ef, 0x0217648972e63f58, 0x05fe5de3627864c4, 0x001adc485b837f54,
            0x0b4473b0317fc102, 0x17bea6c019b8a991, 0x1470fd767b8e17a0, 0x1da2d55d9d1babad,
            0x1f549a5cf38502fd, 0x1a36f64759481918, 0x1daafe0a46c9aaea, 0x1681cb23724e35c1,
            0x04c6153df539d588, 0x1061f4972df8c05d, 0x129792f7248904e1, 0x06ab26951560c965,
            0x13ed83a38c1799e2, 0x1a5cca434f69df7c, 0x084b54db486051e2, 0x1ecf5413ebc63b9c,
            0x15871e046eef8314, 0x1825a0216b33ac7c, 0x09b9d51efc791eba, 0x080b5ae5cb27674a,
            0x0e3213dd57e2d7d2, 0x1db9f77f4ce305a0, 0x0c20b48281033454, 0x0d2c0fb29f8db193,
            0x0266b815a82f5678, 0x05dd2e434256b8cc, 0x0a35f7ba67bb2030, 0x005d8310aad19a0d,
            0x179e815d7083286c, 0x159adee9c81fd18a, 0x063b834caf43d744, 0x1237926ebc96b28f,
            0x1499927c7d4ad115, 0x0ed37135f438c7fd, 0x0d99d78f275b733c, 0x0f10f823a62ca731,
            0x17b449048eb2a72c, 0x1c30d9c8de5815db, 0x170856fa24c4ce37, 0x11eeae2b72a9dbf0,
            0x1930ccd7a8c383ce, 0x18ea39b2a965d028, 0x176b0483d6ac4d9e, 0x0190778c8855b1cd,
            0x0f092b4f0a263f1e, 0x1686ee8818792237, 0x1de9b2a6cc846176, 0x1c5f0ac66702ee96,
            0x030a502caeb52bdc, 0x17f20287807e0ed2, 0x130d97ea65ad71f0, 0x0ce840c5c92b4865,
            0x0a5e4cb4f38ac3ea, 0x0a3700a94209501e, 0x12b8091a8516f741, 0x065fdefcde3c08bf,
            0x0be042d67598b6e3, 0x05bb5c0c1c295287, 0x15ebdde8cc8b67a3, 0x073901bb7f77a06b,
            0x03255e6e327a1775, 0x0cc779f1e046755e, 0x0cec31e644a714eb, 0x10699a113ca7fc06,
            0x0a686b4f5f624032, 0x002c05b662ca954d, 0x06ccd6693babd3e9, 0x19cbb3dc2cffe0b7,
            0x0bf886af660479a6, 0x179d2fc9d7750a58, 0x05ab7695c9672d05, 0x08a3b9dba40a3a4d,
            0x11ba80e97efaf94c, 0x1b68fb06791a2f79, 0x101598e1796771d6, 0x0d7e1055f18e469f,
            0x19900f6bbce069dd, 0x1a68c7380aa48734, 0x123bf8f7c1fde4b8, 0x02b11e79836e3f8d,
            0x01d4244c2dad4f6e, 0x0b95f3a4645a36c8, 0x16901855f08926bb, 0x0e3537293681d4e7,
            0x0a9bf38fd0342f2c, 0x1b96dd3b67558353, 0x1415823f9633579d, 0x111a69902f9d9f86,
            0x00ce4c23cff45e4e, 0x1afd812094b26a76, 0x08be9ad7726a2be0, 0x01e9d0a1cc4f102e,
            0x195d37a88b556675, 0x132a31db6b1d598f, 0x0b65e82d04e7736a, 0x08403c2aaf0bcb61,
            0x1b62c1227cf3fc60, 0x089edf703877e8b8, 0x085b68e68cf06393, 0x0c05010985c887ca,
        ], b: [
            0x19a2c10d7cd03d55, 0x0635cfab43560801, 0x0b4a351f86fc338e, 0x006f78d0fc05f230,
            0x08c02e999f98adf1, 0x129183eea12aa4a1, 0x110817d5e8f3fbd3, 0x181f98fff667ad52,
            0x18688a4095c919cd, 0x0b14173a2a36bd0a, 0x0a3b67fe643f75b4, 0x0ece4dfaf1ce5a1b,
            0x0cba109c57e87c08, 0x0a2adef7b47f7de1, 0x09186a64767fbfd9, 0x081299ac6304b6fe,
            0x0ed09fb387475b36, 0x0b75cd2ad25a455c, 0x021a7a07a3733af1, 0x1c92e88fdce64680,
            0x10498cd2a2f9f4e7, 0x0644bbecffd1eeb0, 0x05efcdc0848d3c2c, 0x06540a0953deaf2e,
            0x125aa9b8194933e2, 0x0d5360b091179a7f, 0x027335ab3717de05, 0x14d3d3950304b890,
            0x1720e7e94c99600b, 0x10cf2f6a09fa6ca0, 0x1e184328f9e92624, 0x1dd9b0458d2c079c,
            0x02b55d6b125bfe5d, 0x14a4d831570eaf3d, 0x0d36816e3e2ed9ea, 0x156709b41b7b57f0,
            0x057d3edfc5346287, 0x1dbf385c59c105ef, 0x1c0fb73a30095ab2, 0x1f647eb0e9a39b4e,
            0x061e822fdc74367e, 0x058743be661e31cd, 0x06f7dcd38bdcb469, 0x1ee1c44d734bce18,
            0x09248443b18fb787, 0x07cade3136be9dea, 0x0c2cf5a052e47c21, 0x1243514bbd699f5b,
            0x1c5c1c442ebcf0e6, 0x0b08925fb22e7e7d, 0x0e7082fb86d81bf1, 0x05612e3d32d04f5e,
            0x08f5384ea684cf6c, 0x1129c9ab8280b64c, 0x1cb1cd90b064bd71, 0x0903067a92cc2d9a,
            0x114837e0c526797c, 0x1ac13beb649ecf61, 0x00dd4208f56626b4, 0x14cf265efa619b61,
            0x0b3086cf34f62996, 0x13fdf0b879db38b5, 0x1b5c4622ca48270c, 0x1e96a10420c0702c,
            0x1b905537d3b5e514, 0x1379e32b3cc899b1, 0x06bcb912f0c8e8b8, 0x00766a95d216a7b2,
            0x0c2fb8790d401d96, 0x01ec401200798bc5, 0x066ecf672d4e10f7, 0x187aa00589d64685,
            0x0080074689bb6ddf, 0x0fc94c9d83035590, 0x1eacc3aa3dffe4f6, 0x123f23ae0194cc44,
            0x1a82e0eebdc3a866, 0x099ed6cd731fd5c2, 0x0c20638cdfed4b36, 0x1648d458630f7ffd,
            0x080d205b0110a3fb, 0x059d39b7258ecc10, 0x1935b1ee0963157c, 0x1494028545aea068,
            0x0cb4425d433b1849, 0x17f89dac9bf792b7, 0x0a25192725f6a4ce, 0x1d1723c6352b84be,
            0x11994582b8a58a25, 0x02f1d1564480a4f1, 0x02d6732e2f555509, 0x1022baa3cf738e0f,
            0x0ec27394174dfea0, 0x1f13a76321320795, 0x1896acc6adfa0dd4, 0x178713807318d0d4,
            0x0546b22163c0f615, 0x1657b742a96eb90b, 0x11df392f02af0c8b, 0x1ace5c2442f2e9c8,
            0x0f55deedc0928eab, 0x111ff6fdefff3ac7, 0x012a3335acf9ab07, 0x1df531957f9bd87e,
            0x09115513c67bdfe7, 0x054b3f5690a73d2d, 0x13c861b24dc748e3, 0x14a91b7e7b1deb51,
            0x0a14562150a5cb08, 0x0363eb7409bbd2cf, 0x00fc67ca91a6a712, 0x0232ebdbfc5b09bb,
            0x18cede515f8c27da, 0x0bd74867ae054f80, 0x04703a481f41938d, 0x15e1449817b7fd0c,
            0x196ed6b1a2093ce2, 0x0570e8c347e7c47c, 0x0f7c9260457ab2da, 0x0109a151e3e556cb,
            0x0ae9e88134192725, 0x152533254a8633b6, 0x0536c1f08c1743c9, 0x0ea82b5bb75ed2d3,
            0x0eac5e2b84b2dcb2, 0x13f1fb54bbcc0cc2, 0x0907ac6f0f18d888, 0x00e696fa96133e3e,
        ]),
        PermutationCase(count: 9, seed: 0, a: [
            0x0c7f0aac97c4aa30, 0x1716a675d821ccc1, 0x1a4eb343dba252fc, 0x0b7d76c3d8e57d68,
            0x0c74a4099fa1ded4, 0x055951156266d6f3, 0x1005b7244c2b3a58, 0x044b3c460e84bdd9,
            0x16b29a5845cccd8d,
        ], b: [
            0x0229393a7a4842c1, 0x0aae7de6cfea4a27, 0x0765a8577adfc8ae, 0x116b5e58648d8b51,
            0x0cf3e6a5d6094219, 0x122f6b4d565f9848, 0x164e1b09a5ee9794, 0x052d08735e4513d0,
            0x152692f3f5081ec5,
        ]),
        PermutationCase(count: 16, seed: 4294967295, a: [
            0x18fe69a31c924123, 0x0991ec0c900cac48, 0x09fe37b486bcfe41, 0x07ae50d6c54701fb,
            0x0497b1d948977f21, 0x18318a7f811f727c, 0x17da56f2b20c386c, 0x0567ef0bb30728cb,
            0x08ccce1b2bb65c8e, 0x0dc1a9b6a72dfc58, 0x1c0bd537d22692d7, 0x0a0c0e0ec6ffbda6,
            0x12feccc978a8038a, 0x0e884e594896302d, 0x0efc1164621df171, 0x12e9cdf77d693e99,
        ], b: [
            0x036adad6e7dcb211, 0x1d69277451d16a8c, 0x14cbf71a9ed4fa59, 0x1cb9a9abc881dcdc,
            0x1f40d583a5ea9799, 0x1e1d86f95f9a067b, 0x06549397febdc6c9, 0x149cf6efff9a18e5,
            0x0802273d31f62b01, 0x19bd63687e2041d7, 0x02fa905446e0f5d4, 0x00f9912f34057bad,
            0x1b694792d4245541, 0x10700c70a57ec1bd, 0x117d42abf6d79338, 0x1a4af926ff98c64d,
        ]),
    ]

    static let randintCases: [RandintCase] = [
        RandintCase(seed: 3, low: 0, highInclusive: 9, values: [
            0x0000000000000008, 0x0000000000000009, 0x0000000000000003, 0x0000000000000008,
            0x0000000000000008, 0x0000000000000000, 0x0000000000000005, 0x0000000000000003,
            0x0000000000000009, 0x0000000000000009, 0x0000000000000005, 0x0000000000000007,
        ]),
        RandintCase(seed: 5, low: 7, highInclusive: 4294967302, values: [
            0x0000000038d48b6a, 0x000000000e2048d5, 0x00000000dee84ff6, 0x00000000d4d1e6c4,
            0x0000000034eb8bed, 0x000000005d1ddc7d,
        ]),
        RandintCase(seed: 11, low: 100, highInclusive: 8589934591, values: [
            0x00000001117c8f23, 0x00000000aa2b1cbf, 0x0000000131b1901b, 0x00000001ed20e1b0,
            0x000000011aecc2ab, 0x0000000039c84f7c,
        ]),
        RandintCase(seed: 13, low: 0, highInclusive: 18446744073709551615, values: [
            0xc71781529b7ab8b0, 0x3ccf804adc03de10, 0xd303eae6e49a8362, 0xf73b56f42ddd0099,
        ]),
        RandintCase(seed: 17, low: 5, highInclusive: 5, values: [
            0x0000000000000005, 0x0000000000000005, 0x0000000000000005,
        ]),
    ]
}
