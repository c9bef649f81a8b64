import Foundation
import Testing
@testable import Curation

// MARK: - The golden: datatrove's own decisions

/// datatrove's Gopher quality and repetition decisions, made by `Benchmarks/datatrove/make_gopher_golden.py`
/// (datatrove 0.10.1, whitespace word tokenizer `str.split()`).
struct GopherGolden: Decodable {
    struct Header: Decodable {
        var datatrove: String
        var python: String
        var unicodedata: String
    }

    /// A constructor argument as the golden writes it.
    enum Value: Decodable, Sendable {
        case null
        case number(Double)
        case strings([String])
        case pairs([[Double]])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else if let strings = try? container.decode([String].self) {
                self = .strings(strings)
            } else {
                self = .pairs(try container.decode([[Double]].self))
            }
        }
    }

    struct Check: Decodable, Sendable {
        var filter: String
        var config: [String: Value]
        var othersOff: Bool?
        var outcome: String
        /// Where datatrove raised: what plm decides instead.
        var plm: String?

        enum CodingKeys: String, CodingKey {
            case filter, config, outcome, plm
            case othersOff = "others_off"
        }
    }

    struct Record: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var real: Bool?
        var quality: String
        var repetition: String
        var checks: [Check]?

        enum CodingKeys: String, CodingKey {
            case name, text, real, checks
            case quality = "gopher_quality"
            case repetition = "gopher_repetition"
        }

        var testDescription: String { name }
    }

    var header: Header
    var records: [Record]

    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/gopher-golden.json")

    static func load() throws -> GopherGolden {
        try JSONDecoder().decode(GopherGolden.self, from: Data(contentsOf: url))
    }

    static let records: [Record] = (try? load())?.records ?? []
}

/// A datatrove outcome string ("keep" or the reason) for a plm decision.
private func outcome(_ decision: FilterDecision) -> String {
    switch decision {
    case .keep: "keep"
    case .drop(let reason): reason ?? "(no reason)"
    }
}

private func decide(_ filter: some DocumentFilter, _ text: String) -> String {
    var copy = text
    return outcome(filter.apply(to: &copy))
}

private struct UnknownSetting: Error, CustomStringConvertible {
    var key: String
    var description: String { "unknown setting \(key)" }
}

private func int(_ value: GopherGolden.Value) -> Int? {
    if case .number(let number) = value { return Int(exactly: number) }
    return nil
}

private func double(_ value: GopherGolden.Value) -> Double? {
    if case .number(let number) = value { return number }
    return nil
}

private func rules(_ value: GopherGolden.Value) -> [GopherNGramThreshold] {
    switch value {
    case .pairs(let pairs): pairs.map { GopherNGramThreshold(Int($0[0]), $0[1]) }
    default: []  // `[]` decodes as an empty list of strings
    }
}

/// The quality configuration of a check: datatrove's defaults (or everything off), then its settings.
private func qualityConfig(_ check: GopherGolden.Check) throws -> GopherQualityConfig {
    var config = GopherQualityConfig()
    if check.othersOff == true {
        config = GopherQualityConfig(minDocWords: nil, maxDocWords: nil, minAvgWordLength: nil, maxAvgWordLength: nil,
                                     maxSymbolWordRatio: nil, maxBulletLinesRatio: nil, maxEllipsisLinesRatio: nil,
                                     maxNonAlphaWordsRatio: nil, minStopWords: nil)
    }
    for (key, value) in check.config {
        switch key {
        case "min_doc_words": config.minDocWords = int(value)
        case "max_doc_words": config.maxDocWords = int(value)
        case "min_avg_word_length": config.minAvgWordLength = double(value)
        case "max_avg_word_length": config.maxAvgWordLength = double(value)
        case "max_symbol_word_ratio": config.maxSymbolWordRatio = double(value)
        case "max_bullet_lines_ratio": config.maxBulletLinesRatio = double(value)
        case "max_ellipsis_lines_ratio": config.maxEllipsisLinesRatio = double(value)
        case "max_non_alpha_words_ratio": config.maxNonAlphaWordsRatio = double(value)
        case "min_stop_words": config.minStopWords = int(value)
        case "stop_words":
            if case .strings(let words) = value { config.stopWords = words } else if case .null = value { config.stopWords = nil }
        default: throw UnknownSetting(key: key)
        }
    }
    return config
}

private func repetitionConfig(_ check: GopherGolden.Check) throws -> GopherRepetitionConfig {
    var config = GopherRepetitionConfig()
    if check.othersOff == true {
        config = GopherRepetitionConfig(dupLineFrac: nil, dupParaFrac: nil, dupLineCharFrac: nil, dupParaCharFrac: nil,
                                        topNGrams: [], dupNGrams: [])
    }
    for (key, value) in check.config {
        switch key {
        case "dup_line_frac": config.dupLineFrac = double(value)
        case "dup_para_frac": config.dupParaFrac = double(value)
        case "dup_line_char_frac": config.dupLineCharFrac = double(value)
        case "dup_para_char_frac": config.dupParaCharFrac = double(value)
        case "top_n_grams": config.topNGrams = rules(value)
        case "dup_n_grams": config.dupNGrams = rules(value)
        default: throw UnknownSetting(key: key)
        }
    }
    return config
}

@Suite("Gopher filters against datatrove's golden")
struct GopherGoldenTests {
    @Test func fixtureLoads() throws {
        let golden = try GopherGolden.load()
        #expect(golden.header.datatrove == "0.10.1")
        #expect(golden.header.unicodedata == AlphaTable.unicodeVersion)
        #expect(golden.records.count > 400)
        #expect(golden.records.filter { $0.real == true }.count >= 290)
        #expect(Set(golden.records.map(\.name)).count == golden.records.count)
    }

    @Test(arguments: GopherGolden.records)
    func agreesWithDatatrove(_ record: GopherGolden.Record) throws {
        let tokenizer = WhitespaceWordTokenizer()
        #expect(decide(GopherQualityFilter(tokenizer: tokenizer), record.text) == record.quality, "gopher_quality")
        #expect(decide(GopherRepetitionFilter(tokenizer: tokenizer), record.text) == record.repetition,
                "gopher_repetition")
        for check in record.checks ?? [] {
            let got: String
            switch check.filter {
            case "gopher_quality": got = decide(GopherQualityFilter(config: try qualityConfig(check), tokenizer: tokenizer), record.text)
            case "gopher_repetition": got = decide(GopherRepetitionFilter(config: try repetitionConfig(check), tokenizer: tokenizer), record.text)
            default: Issue.record("unknown filter \(check.filter)"); continue
            }
            let expected = check.outcome.hasPrefix("!") ? check.plm : check.outcome
            #expect(expected != nil, "datatrove raised but the golden says nothing of plm")
            #expect(got == expected, "\(check.filter) \(check.config.keys.sorted()) others_off=\(check.othersOff ?? false)")
        }
    }

    /// Every decision of the golden at once, counted (the figure the port promises: 100%).
    @Test func totalAgreement() throws {
        let golden = try GopherGolden.load()
        let quality = GopherQualityFilter()
        let repetition = GopherRepetitionFilter()
        var runs = 0
        var agreed = 0
        for record in golden.records {
            runs += 2
            if decide(quality, record.text) == record.quality { agreed += 1 }
            if decide(repetition, record.text) == record.repetition { agreed += 1 }
            for check in record.checks ?? [] {
                runs += 1
                let expected = check.outcome.hasPrefix("!") ? check.plm : check.outcome
                let got = check.filter == "gopher_quality"
                    ? decide(GopherQualityFilter(config: try qualityConfig(check)), record.text)
                    : decide(GopherRepetitionFilter(config: try repetitionConfig(check)), record.text)
                if got == expected { agreed += 1 }
            }
        }
        #expect(agreed == runs, "\(agreed) of \(runs) decisions agree")
    }
}

// MARK: - Python string semantics

@Suite("Python text helpers")
struct PythonTextTests {
    @Test func splitLinesLikePython() {
        let lines = PythonText.splitLines("a\nb\r\nc\rd\u{0B}e\u{0C}f\u{1C}g\u{1D}h\u{1E}i\u{85}j\u{2028}k\u{2029}l\u{1F}m\n")
        #expect(lines.map { String($0) } == ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l\u{1F}m"])
        #expect(PythonText.splitLines("").isEmpty)
        #expect(PythonText.splitLines("\n").map { String($0) } == [""])
        #expect(PythonText.splitLines("\n\nx").map { String($0) } == ["", "", "x"])
        #expect(PythonText.splitLines("x\r\r\n").map { String($0) } == ["x", ""])
        // A break followed by a combining mark: the mark starts the next line.
        #expect(PythonText.splitLines("a\n\u{301}b").map { Array($0.unicodeScalars) } == [["a"], ["\u{301}", "b"]])
    }

    @Test func byteLevelHelpersAgreeWithScalarOnes() {
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if PythonText.isLineBoundary(scalar), !PythonText.isSpace(value: value) { Issue.record("boundary \(value)") }
        }
        let text = "a\u{85}é\u{2028}中\u{2029}𝐇\r\n\u{1F}x"
        let scalars = PythonText.withUTF8(text) { bytes -> [UInt32] in
            var values: [UInt32] = []
            var index = 0
            while index < bytes.count {
                let (value, width) = PythonText.scalar(at: index, in: bytes)
                values.append(value)
                index += width
                #expect(PythonText.scalar(before: index, in: bytes).value == value)
            }
            return values
        }
        #expect(scalars == text.unicodeScalars.map(\.value))
    }

    @Test func stripLikePython() {
        #expect(String(PythonText.strip(" \t\u{1F}\u{3000}x y\u{85}\u{A0} ")) == "x y")
        #expect(String(PythonText.lstrip("\u{2028} x ")) == "x ")
        #expect(String(PythonText.rstrip(" x \u{205F}")) == " x")
        #expect(PythonText.strip(" \u{200B} ").unicodeScalars.map(\.value) == [0x200B])  // ZWSP is not space
        #expect(String(PythonText.strip("   ")) == "")
    }

    @Test func countLikePython() {
        #expect(PythonText.count("...", in: "....") == 1)
        #expect(PythonText.count("...", in: "......") == 2)
        #expect(PythonText.count("...", in: ".. ...") == 1)
        #expect(PythonText.count("#", in: "#\u{301}#") == 2)  // "#\u{301}" is one Character but holds a "#"
        #expect(PythonText.count("…", in: "a…b……") == 3)
        #expect(PythonText.count("", in: "abc") == 4)
    }

    @Test func isAlphaFollowsPythonUnicode14() {
        #expect(PythonText.isAlpha(Unicode.Scalar("a")))
        #expect(!PythonText.isAlpha(Unicode.Scalar("1")))
        #expect(!PythonText.isAlpha(Unicode.Scalar("_")))
        #expect(PythonText.isAlpha(Unicode.Scalar(0xAA)!))  // ª, Lo
        #expect(PythonText.isAlpha(Unicode.Scalar(0x01C5)!))  // ǅ, Lt
        #expect(PythonText.isAlpha(Unicode.Scalar(0x02B0)!))  // ʰ, Lm
        #expect(PythonText.isAlpha(Unicode.Scalar(0x4E2D)!))  // 中
        #expect(!PythonText.isAlpha(Unicode.Scalar(0x2160)!))  // Ⅻ-style numerals are Nl
        #expect(!PythonText.isAlpha(Unicode.Scalar(0x0301)!))  // combining mark
        // Letters new in Unicode 15 (CJK Ext. H, Kawi) are not letters to Python 3.11.
        #expect(!PythonText.isAlpha(Unicode.Scalar(0x31350)!))
        #expect(!PythonText.isAlpha(Unicode.Scalar(0x11F04)!))
        #expect(PythonText.isAlpha("Straße"))
        #expect(!PythonText.isAlpha(""))
    }

    @Test func datatrovePunctuation() {
        for scalar in "!/—”:％１〈&(、━\\【#%「」，】；+^]~“《„';’{|∶´[=-`*．（–？！：$～«〉,><》)?）。…@_.\"}►»".unicodeScalars {
            #expect(DatatrovePunctuation.contains(scalar), "\(scalar)")
        }
        for value: UInt32 in [0, 8, 11, 12, 13, 31, 127, 159, 0x0964, 0x3002, 0x1DA88] {
            #expect(DatatrovePunctuation.contains(Unicode.Scalar(value)!), "\(value)")
        }
        for value: UInt32 in [9, 10, 32, 160, 0x2022, 0x61, 0x30, 0x2018] {
            #expect(!DatatrovePunctuation.contains(Unicode.Scalar(value)!), "\(value)")
        }
        #expect(DatatroveTerminalPunctuation.contains("."))
        #expect(DatatroveTerminalPunctuation.contains("。"))
        #expect(!DatatroveTerminalPunctuation.contains(","))
    }
}

// MARK: - Boundary tests, written here

/// Fresh words of a given length (distinct, lowercase, never a stop word).
private struct Words {
    private var next: [Int: Int] = [:]

    mutating func word(_ length: Int) -> String {
        while true {
            var index = next[length, default: 0]
            next[length] = index + 1
            index = index * 7919 + 13
            var scalars = ""
            for _ in 0..<length {
                scalars.unicodeScalars.append(Unicode.Scalar(UInt8(97 + index % 26)))
                index /= 26
            }
            if !GopherQualityConfig.defaultStopWords.contains(scalars) { return scalars }
        }
    }

    mutating func words(_ count: Int, _ length: Int = 5) -> [String] { (0..<count).map { _ in word(length) } }
}

private let allQualityOff = GopherQualityConfig(minDocWords: nil, maxDocWords: nil, minAvgWordLength: nil,
                                                maxAvgWordLength: nil, maxSymbolWordRatio: nil,
                                                maxBulletLinesRatio: nil, maxEllipsisLinesRatio: nil,
                                                maxNonAlphaWordsRatio: nil, minStopWords: nil)
private let allRepetitionOff = GopherRepetitionConfig(dupLineFrac: nil, dupParaFrac: nil, dupLineCharFrac: nil,
                                                      dupParaCharFrac: nil, topNGrams: [], dupNGrams: [])

private func quality(_ text: String, _ change: (inout GopherQualityConfig) -> Void = { _ in }) -> String {
    var config = allQualityOff
    change(&config)
    return decide(GopherQualityFilter(config: config), text)
}

private func repetition(_ text: String, _ change: (inout GopherRepetitionConfig) -> Void = { _ in }) -> String {
    var config = allRepetitionOff
    change(&config)
    return decide(GopherRepetitionFilter(config: config), text)
}

@Suite("Gopher quality boundaries")
struct GopherQualityBoundaryTests {
    @Test func defaultsAreDatatroves() {
        let config = GopherQualityConfig()
        #expect(config.minDocWords == 50 && config.maxDocWords == 100_000)
        #expect(config.minAvgWordLength == 3 && config.maxAvgWordLength == 10)
        #expect(config.maxSymbolWordRatio == 0.1 && config.maxBulletLinesRatio == 0.9)
        #expect(config.maxEllipsisLinesRatio == 0.3 && config.maxNonAlphaWordsRatio == 0.8)
        #expect(config.minStopWords == 2 && config.stopWords == nil)
        #expect(GopherQualityFilter().name == "gopher_quality")
    }

    @Test func documentWordCounts() {
        var w = Words()
        func doc(_ n: Int) -> String { (["the", "and"] + w.words(n - 2)).joined(separator: " ") }
        #expect(quality(doc(49)) { $0.minDocWords = 50 } == "gopher_short_doc")
        #expect(quality(doc(50)) { $0.minDocWords = 50 } == "keep")
        #expect(quality(doc(51)) { $0.minDocWords = 50 } == "keep")
        // Symbol words (only PUNCTUATION_SET scalars) do not count; "•" is not in the set.
        #expect(quality(doc(49) + " — !!! … \u{1} １") { $0.minDocWords = 50 } == "gopher_short_doc")
        #expect(quality(doc(49) + " •") { $0.minDocWords = 50 } == "keep")
        // The default maximum, exactly at and one above.
        let big = w.words(100_000, 4)
        #expect(quality(big.joined(separator: " ")) { $0.maxDocWords = 100_000 } == "keep")
        #expect(quality((big + ["over"]).joined(separator: " ")) { $0.maxDocWords = 100_000 } == "gopher_long_doc")
        #expect(decide(GopherQualityFilter(), (["the", "of"] + big.dropFirst(2)).joined(separator: " ")) == "keep")
        #expect(decide(GopherQualityFilter(), (["the", "of"] + big).joined(separator: " ")) == "gopher_long_doc")
        // Zero disables, as Python's truthiness does.
        #expect(quality(doc(10)) { $0.minDocWords = 0 } == "keep")
    }

    @Test func meanWordLength() {
        var w = Words()
        func doc(_ lengths: [Int], extra: [String] = []) -> String {
            (["the", "and"] + lengths.map { w.word($0) } + extra).joined(separator: " ")
        }
        #expect(quality(doc(Array(repeating: 3, count: 58))) { $0.minAvgWordLength = 3 } == "keep")
        #expect(quality(doc(Array(repeating: 3, count: 57) + [2])) { $0.minAvgWordLength = 3 } == "gopher_below_avg_threshold")
        // Symbol words are left out of the mean.
        #expect(quality(doc(Array(repeating: 3, count: 58), extra: ["-", "!", "«»"])) { $0.minAvgWordLength = 3 } == "keep")
        #expect(quality(doc(Array(repeating: 10, count: 44) + Array(repeating: 11, count: 14))) { $0.maxAvgWordLength = 10 } == "keep")
        #expect(quality(doc(Array(repeating: 10, count: 43) + Array(repeating: 11, count: 15))) { $0.maxAvgWordLength = 10 }
                == "gopher_above_avg_threshold")
        // Lengths are in scalars: "é" written as e + U+0301 is two.
        #expect(quality("e\u{301} e\u{301}") { $0.minAvgWordLength = 2 } == "keep")
        #expect(quality("e\u{301} é") { $0.minAvgWordLength = 2 } == "gopher_below_avg_threshold")
        // No non-symbol word: NumPy's mean is NaN and fails no comparison.
        #expect(quality("... !!!") { $0.minAvgWordLength = 3; $0.maxAvgWordLength = 10 } == "keep")
    }

    @Test func hashesAndEllipses() {
        var w = Words()
        func doc(_ forms: [String]) -> String {
            var words = ["the", "and"] + w.words(98)
            for (index, form) in forms.enumerated() { words[2 + 3 * index] = form }
            return words.joined(separator: " ") + " end"  // 101 words
        }
        let ratio: (inout GopherQualityConfig) -> Void = { $0.maxSymbolWordRatio = 0.1 }
        #expect(quality(doc(Array(repeating: "a#b", count: 10))) { $0.maxSymbolWordRatio = 10.0 / 101 } == "keep")
        #expect(quality(doc(Array(repeating: "a#b", count: 10)), ratio) == "keep")
        #expect(quality(doc(Array(repeating: "a#b", count: 11)), ratio) == "gopher_too_many_hashes")
        #expect(quality(doc(Array(repeating: "##", count: 6)), ratio) == "gopher_too_many_hashes")
        // "...." holds one "...", "......" two; "…" counts too.
        #expect(quality(doc(Array(repeating: "a....", count: 10)), ratio) == "keep")
        #expect(quality(doc(Array(repeating: "a....", count: 9) + ["……"]), ratio) == "gopher_too_many_ellipsis")
        #expect(quality(doc(Array(repeating: "a......", count: 6)), ratio) == "gopher_too_many_ellipsis")
        #expect(quality(doc(Array(repeating: "a..b", count: 30)), ratio) == "keep")
        // The ratio is over all words, symbol words included.
        #expect(quality(doc(Array(repeating: "#", count: 10)), ratio) == "keep")
    }

    @Test func bulletLines() {
        var w = Words()
        func line(_ prefix: String) -> String { prefix + w.words(5).joined(separator: " ") }
        let limit: (inout GopherQualityConfig) -> Void = { $0.maxBulletLinesRatio = 0.9 }
        let nine = (0..<9).map { line(["- ", "• ", "  -", "\t•", "\u{1F}- ", "\u{3000}-", "--", "\u{A0}• ", "-"][$0]) }
        #expect(quality((nine + [line("")]).joined(separator: "\n"), limit) == "keep")
        #expect(quality((nine + [line("-")]).joined(separator: "\r\n"), limit) == "gopher_too_many_bullets")
        #expect(quality((nine + [line("* ")]).joined(separator: "\u{2028}"), limit) == "keep")
        // A blank line is a line; a final line break adds none.
        #expect(quality(nine.joined(separator: "\n") + "\n\n", limit) == "keep")
        #expect(quality(nine.joined(separator: "\n") + "\n", limit) == "gopher_too_many_bullets")
        // \x1f is whitespace (stripped) but no line break.
        #expect(quality(nine.joined(separator: "\u{1F}") + "\nplain") { $0.maxBulletLinesRatio = 0.5 } == "keep")
        #expect(quality(nine.joined(separator: "\u{1E}") + "\nplain") { $0.maxBulletLinesRatio = 0.5 } == "gopher_too_many_bullets")
    }

    @Test func ellipsisLines() {
        var w = Words()
        func line(_ end: String) -> String { w.words(5).joined(separator: " ") + end }
        let limit: (inout GopherQualityConfig) -> Void = { $0.maxEllipsisLinesRatio = 0.3 }
        let plain = (0..<7).map { _ in line(" end.") }
        #expect(quality(([line("..."), line("…"), line("....  ")] + plain).joined(separator: "\n"), limit) == "keep")
        #expect(quality(([line("..."), line("…"), line("....  "), line("…\t")] + plain.dropLast())
            .joined(separator: "\r"), limit) == "gopher_too_many_end_ellipsis")
        #expect(quality(([line(". . ."), line(".."), line("…x"), line("..")] + plain.dropLast()).joined(separator: "\n"), limit)
                == "keep")
    }

    @Test func alphabeticWords() {
        var w = Words()
        func doc(_ alpha: Int, _ other: [String]) -> String { (w.words(alpha) + other).joined(separator: " ") }
        let limit: (inout GopherQualityConfig) -> Void = { $0.maxNonAlphaWordsRatio = 0.8 }
        #expect(quality(doc(80, Array(repeating: "1234", count: 20)), limit) == "keep")
        #expect(quality(doc(79, Array(repeating: "1234", count: 21)), limit) == "gopher_below_alpha_threshold")
        #expect(quality(doc(79, ["2nd"] + Array(repeating: "٣٤", count: 20)), limit) == "keep")
        // U+31350 is a letter since Unicode 15, not to datatrove's Python 3.11.
        #expect(quality(doc(79, ["\u{31350}"] + Array(repeating: "42", count: 20)), limit) == "gopher_below_alpha_threshold")
    }

    @Test func stopWords() {
        var w = Words()
        let limit: (inout GopherQualityConfig) -> Void = { $0.minStopWords = 2 }
        #expect(quality((["the", "of"] + w.words(60)).joined(separator: " "), limit) == "keep")
        #expect(quality((Array(repeating: "the", count: 9) + w.words(60)).joined(separator: " "), limit) == "gopher_enough_stop_words")
        #expect(quality((["The", "the,", "AND", "(of)"] + w.words(60)).joined(separator: " "), limit) == "gopher_enough_stop_words")
        // Python compares scalars: NFD "über" is not NFC "über".
        let custom: (inout GopherQualityConfig) -> Void = { $0.minStopWords = 2; $0.stopWords = ["über", "straße"] }
        #expect(quality("über straße x", custom) == "keep")
        #expect(quality("u\u{308}ber straße x", custom) == "gopher_enough_stop_words")
        #expect(quality("\u{212A} x") { $0.minStopWords = 1; $0.stopWords = ["K"] } == "gopher_enough_stop_words")
        #expect(quality("the of") { $0.minStopWords = 1; $0.stopWords = [] } == "gopher_enough_stop_words")
    }

    @Test func divisionByZeroIsSkipped() {
        // datatrove raises ZeroDivisionError on these; plm skips the ratio checks with a zero denominator.
        #expect(quality("") { $0.maxSymbolWordRatio = 0.1; $0.maxBulletLinesRatio = 0.9; $0.maxNonAlphaWordsRatio = 0.8 } == "keep")
        #expect(quality(" ") { $0.maxNonAlphaWordsRatio = 0.8 } == "keep")
        #expect(decide(GopherQualityFilter(config: GopherQualityConfig(minDocWords: nil)), "") == "gopher_enough_stop_words")
    }
}

@Suite("Gopher repetition boundaries")
struct GopherRepetitionBoundaryTests {
    @Test func defaultsAreDatatroves() {
        let config = GopherRepetitionConfig()
        #expect(config.dupLineFrac == 0.3 && config.dupParaFrac == 0.3)
        #expect(config.dupLineCharFrac == 0.2 && config.dupParaCharFrac == 0.2)
        #expect(config.topNGrams.map(\.n) == [2, 3, 4] && config.topNGrams.map(\.fraction) == [0.2, 0.18, 0.16])
        #expect(config.dupNGrams.map(\.n) == Array(5...10))
        #expect(config.dupNGrams.map(\.fraction) == [0.15, 0.14, 0.13, 0.12, 0.11, 0.10])
        #expect(GopherRepetitionFilter().name == "gopher_repetition")
        #expect(config.invalidReason == nil)
        #expect(GopherRepetitionConfig(dupNGrams: [GopherNGramThreshold(0, 0.1)]).invalidReason != nil)
    }

    @Test func emptyAndNewlines() {
        let filter = GopherRepetitionFilter()
        #expect(decide(filter, "") == "empty")
        #expect(decide(filter, " ") == "keep")
        #expect(decide(filter, "\n") == "dup_line_frac")  // ["", ""]
        #expect(decide(filter, "\nsome words\n") == "dup_line_frac")  // ["", "some words", ""]
        #expect(decide(filter, "some words\n") == "top_2_gram")  // 10 / 11 of the text
        #expect(repetition("some words\n") { $0.dupLineFrac = 0.3 } == "keep")  // ["some words", ""]
    }

    @Test func paragraphs() {
        var w = Words()
        func para() -> String { w.words(8).joined(separator: " ") }
        func doc(_ unique: Int, _ duplicates: Int, _ separator: String = "\n\n") -> String {
            let repeated = para()
            return ((0..<unique).map { _ in para() } + Array(repeating: repeated, count: duplicates + 1))
                .joined(separator: separator)
        }
        let limit: (inout GopherRepetitionConfig) -> Void = { $0.dupParaFrac = 0.3 }
        #expect(repetition(doc(6, 3), limit) == "keep")  // 3 / 10
        #expect(repetition(doc(5, 4), limit) == "dup_para_frac")
        #expect(repetition(doc(5, 4, "\n\n\n\n"), limit) == "dup_para_frac")
        #expect(repetition(doc(5, 4, "\r\n\r\n"), limit) == "keep")  // \r between: one paragraph
        #expect(repetition("\n\n  " + doc(6, 3) + "\n\n\n ", limit) == "keep")  // stripped first
        // Characters: a 50-scalar paragraph repeated once, 50 / 250 = 0.2 exactly.
        let repeated = String(repeating: "x", count: 50)
        let text = ["aaaa{PAD}b", repeated, "cccc", repeated].joined(separator: "\n\n")
        let charLimit: (inout GopherRepetitionConfig) -> Void = { $0.dupParaCharFrac = 0.2 }
        #expect(repetition(padTo(text, 250), charLimit) == "keep")
        #expect(repetition(padTo(text, 249), charLimit) == "dup_para_char_frac")
    }

    @Test func lines() {
        var w = Words()
        func line() -> String { w.words(6).joined(separator: " ") }
        func doc(_ unique: Int, _ duplicates: Int, _ separator: String = "\n") -> String {
            let repeated = line()
            return ((0..<unique).map { _ in line() } + Array(repeating: repeated, count: duplicates + 1))
                .joined(separator: separator)
        }
        let limit: (inout GopherRepetitionConfig) -> Void = { $0.dupLineFrac = 0.3 }
        #expect(repetition(doc(6, 3), limit) == "keep")
        #expect(repetition(doc(5, 4), limit) == "dup_line_frac")
        #expect(repetition(doc(5, 4, "\n\n\n"), limit) == "dup_line_frac")  // runs of \n are one break
        #expect(repetition(doc(5, 4, "\r"), limit) == "keep")  // only \n splits
        // Python compares scalars: NFC and NFD lines differ.
        #expect(repetition("café au lait\ncafe\u{301} au lait\nend", limit) == "keep")
        #expect(repetition("café au lait\ncafé au lait\nend", limit) == "dup_line_frac")
        // Characters: 0.2 of the text, strictly.
        let text = "head{PAD}line\nrepeated line\nmiddle\nrepeated line\ntail"
        let charLimit: (inout GopherRepetitionConfig) -> Void = { $0.dupLineCharFrac = 0.2 }
        #expect(repetition(padTo(text, 65), charLimit) == "keep")  // 13 / 65
        #expect(repetition(padTo(text, 64), charLimit) == "dup_line_char_frac")
    }

    @Test func topNGrams() {
        // "ab cd" (5 scalars) three times: 15 / 75 = 0.2 exactly.
        let text = "ab cd w1 ab cd w2 ab cd w3{PAD}end"
        let rule: (inout GopherRepetitionConfig) -> Void = { $0.topNGrams = [GopherNGramThreshold(2, 0.2)] }
        #expect(repetition(padTo(text, 75), rule) == "keep")
        #expect(repetition(padTo(text, 74), rule) == "top_2_gram")
        // Ties: the first seen of the most frequent wins, even if shorter.
        let tie = "aa bb x1 aa bb x2 aa bb x3 cccccccc dddddddd y1 cccccccc dddddddd y2 cccccccc dddddddd y3"
        #expect(repetition(padTo(tie + "{PAD}", 200), rule) == "keep")  // 15 / 200
        let tie2 = "cccccccc dddddddd y1 cccccccc dddddddd y2 cccccccc dddddddd y3 aa bb x1 aa bb x2 aa bb x3"
        #expect(repetition(padTo(tie2 + "{PAD}", 200), rule) == "top_2_gram")  // 51 / 200
        // Fewer words than n: no n-gram, no check, whatever the fraction.
        #expect(repetition("alpha") { $0.topNGrams = [GopherNGramThreshold(2, -1)] } == "keep")
        #expect(repetition("alpha beta") { $0.topNGrams = [GopherNGramThreshold(2, 0.9)] } == "top_2_gram")  // 10 / 10
    }

    @Test func duplicatedNGrams() {
        func chars(_ text: String, _ n: Int) -> Int { WordBuffers(WhitespaceWordTokenizer().words(text)).allDuplicateChars(n) }
        // The jump: windows inside a repeat are never remembered.
        #expect(chars((Array(repeating: "a b c d e", count: 4) + ["f g"]).joined(separator: " "), 5) == 15)
        #expect(chars(Array(repeating: "w", count: 30).joined(separator: " "), 5) == 25)
        #expect(chars("a b c d e a b c d", 5) == 0)
        // Joined without spaces: "ab c d e f" and "a bc d e f" are one 5-gram.
        #expect(chars("ab c d e f a bc d e f", 5) == 6)
        let rule: (inout GopherRepetitionConfig) -> Void = { $0.dupNGrams = [GopherNGramThreshold(5, 0.15)] }
        #expect(repetition("ab c d e f a bc d e f" + String(repeating: " ", count: 19), rule) == "keep")  // 6 / 40
        #expect(repetition("ab c d e f a bc d e f" + String(repeating: " ", count: 18), rule) == "duplicated_5_n_grams")
        // Lengths in scalars.
        #expect(chars("é b c d e é b c d e", 5) == 5)
        #expect(chars("é b c d e e\u{301} b c d e", 5) == 0)
    }

    @Test func topNGramHelper() {
        func top(_ text: String, _ n: Int) -> Int? { WordBuffers(WhitespaceWordTokenizer().words(text)).topDuplicateChars(n) }
        #expect(top("a", 2) == nil)
        #expect(top("a b", 2) == 3)
        #expect(top("a b a b", 2) == 6)  // "a b" twice
        #expect(top("xy z a b a b xy z", 2) == 8)  // "xy z" (4) twice comes first
        // A user's tokenizer may make words holding spaces: " ".join of ["a b", "c"] and of ["a", "b c"]
        // is the same 2-gram "a b c", which word-by-word hashing would miss.
        #expect(WordBuffers(["a b", "c", "a", "b c"]).topDuplicateChars(2) == 10)
        #expect(WordBuffers(["a b", "c", "a", "b d"]).topDuplicateChars(2) == 5)
        #expect(GopherRepetitionFilter.findDuplicates(["a", "b", "a", "", "", "é", "e\u{301}"]) == (2, 1))
    }

    @Test func zeroFractionsDisableOnlyTheFracChecks() {
        let lines = "same\nsame\nsame"
        #expect(repetition(lines) { $0.dupLineFrac = 0; $0.dupLineCharFrac = 0 } == "keep")
        #expect(repetition("alpha beta alpha beta") { $0.topNGrams = [GopherNGramThreshold(2, 0)] } == "top_2_gram")
    }
}

/// `template` with `{PAD}` replaced by spaces so that the text is `length` scalars long.
private func padTo(_ template: String, _ length: Int) -> String {
    let pieces = template.components(separatedBy: "{PAD}")
    if pieces.count == 1 {
        return template + String(repeating: " ", count: length - PythonText.length(template))
    }
    let base = PythonText.length(pieces.joined())
    return pieces.joined(separator: String(repeating: " ", count: length - base))
}
