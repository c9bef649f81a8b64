import Foundation
import Testing
@testable import Curation

/// datatrove's answers for the C4 quality, C4 paragraph and FineWeb quality filters and the PII
/// formatter, made by `Benchmarks/datatrove/make_c4_fineweb_golden.py` (datatrove 0.10.1, spaCy 3.8).
struct C4FineWebGolden: Decodable {
    /// `[start, end, replacement]`, code points of the input, applied left to right.
    struct Edit: Decodable, Sendable {
        var start: Int
        var end: Int
        var replacement: String

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            start = try container.decode(Int.self)
            end = try container.decode(Int.self)
            replacement = try container.decode(String.self)
        }
    }

    /// A constructor argument as the generator wrote it.
    enum Param: Decodable, Sendable {
        case bool(Bool), int(Int), double(Double), string(String), strings([String])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let value = try? container.decode(Bool.self) { self = .bool(value) }
            else if let value = try? container.decode(Int.self) { self = .int(value) }
            else if let value = try? container.decode(Double.self) { self = .double(value) }
            else if let value = try? container.decode(String.self) { self = .string(value) }
            else { self = .strings(try container.decode([String].self)) }
        }
    }

    struct Variant: Decodable, Sendable {
        var filter: String
        var params: [String: Param]
        var decision: String
        var edits: [Edit]?
    }

    struct Record: Decodable, Sendable, CustomTestStringConvertible {
        var name: String
        var storedText: String?
        var textParts: [TextPart]?
        var c4Quality: String
        var c4QualityEdits: [Edit]?
        var c4Paragraph: String
        var finewebQuality: String
        var finewebQualitySpacy: String
        var piiEdits: [Edit]
        var sentences: [String]?
        var variants: [Variant]?

        struct TextPart: Decodable, Sendable {
            var unit: String
            var count: Int

            init(from decoder: any Decoder) throws {
                var container = try decoder.unkeyedContainer()
                unit = try container.decode(String.self)
                count = try container.decode(Int.self)
            }
        }

        enum CodingKeys: String, CodingKey {
            case name, sentences, variants
            case storedText = "text"
            case textParts = "text_parts"
            case c4Quality = "c4_quality"
            case c4QualityEdits = "c4_quality_edits"
            case c4Paragraph = "c4_paragraph"
            case finewebQuality = "fineweb_quality"
            case finewebQualitySpacy = "fineweb_quality_spacy"
            case piiEdits = "pii_edits"
        }

        var text: String {
            storedText ?? (textParts ?? []).map { String(repeating: $0.unit, count: $0.count) }.joined()
        }

        var testDescription: String { name }
    }

    var records: [Record]

    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/c4-fineweb-golden.json")

    static func load() throws -> C4FineWebGolden {
        try JSONDecoder().decode(C4FineWebGolden.self, from: Data(contentsOf: url))
    }

    static let records: [Record] = (try? load())?.records ?? []
}

// MARK: Helpers

/// `input` with the edits applied (code points, as Python indexes).
private func applying(_ edits: [C4FineWebGolden.Edit], to input: String) -> String {
    let scalars = Array(input.unicodeScalars)
    var out = String.UnicodeScalarView()
    var last = 0
    for edit in edits {
        out.append(contentsOf: scalars[last..<edit.start])
        out.append(contentsOf: edit.replacement.unicodeScalars)
        last = edit.end
    }
    out.append(contentsOf: scalars[last...])
    return String(out)
}

/// datatrove's answer in the golden file's words.
private func answer(_ decision: FilterDecision) -> String {
    switch decision {
    case .keep: return "keep"
    case .drop(nil): return "drop"
    case .drop(let reason?): return "drop:\(reason)"
    }
}

/// Scalar-for-scalar equality (Swift's `==` would equate canonically equivalent strings).
private func same(_ lhs: String, _ rhs: String) -> Bool { lhs.unicodeScalars.elementsEqual(rhs.unicodeScalars) }

/// A readable form for failure messages.
private func escaped(_ text: String, limit: Int = 400) -> String {
    let body = text.unicodeScalars.prefix(limit).map { s in
        s.isASCII && s.value >= 0x20 && s.value < 0x7F ? String(s) : "\\u{\(String(s.value, radix: 16))}"
    }.joined()
    return text.unicodeScalars.count > limit ? body + "..." : body
}

/// Runs `filter` on `text`: its answer and the text afterwards.
private func run(_ filter: some DocumentFilter, _ text: String) -> (String, String) {
    var copy = text
    let decision = filter.apply(to: &copy)
    return (answer(decision), copy)
}

private enum ParamError: Error, CustomStringConvertible {
    case unknown(String, String)
    var description: String {
        switch self { case .unknown(let filter, let name): "unknown \(filter) parameter \(name)" }
    }
}

private func bool(_ p: C4FineWebGolden.Param) -> Bool { if case .bool(let v) = p { return v }; return false }
private func int(_ p: C4FineWebGolden.Param) -> Int { if case .int(let v) = p { return v }; return Int.min }
private func double(_ p: C4FineWebGolden.Param) -> Double {
    switch p { case .double(let v): v; case .int(let v): Double(v); default: .nan }
}
private func string(_ p: C4FineWebGolden.Param) -> String { if case .string(let v) = p { return v }; return "" }
private func strings(_ p: C4FineWebGolden.Param) -> [String] {
    switch p { case .strings(let v): v; case .string(let v): [v]; default: [] }
}

/// The Swift filter for a golden variant (datatrove's snake_case argument names).
private func makeFilter(_ filter: String, _ params: [String: C4FineWebGolden.Param]) throws -> any DocumentFilter {
    switch filter {
    case "c4_quality":
        var c = C4QualityConfig()
        for (key, value) in params {
            switch key {
            case "split_paragraph": c.splitParagraph = bool(value)
            case "remove_citations": c.removeCitations = bool(value)
            case "filter_no_terminal_punct": c.filterNoTerminalPunct = bool(value)
            case "min_num_sentences": c.minNumSentences = int(value)
            case "min_words_per_line": c.minWordsPerLine = int(value)
            case "max_word_length": c.maxWordLength = int(value)
            case "filter_lorem_ipsum": c.filterLoremIpsum = bool(value)
            case "filter_javascript": c.filterJavascript = bool(value)
            case "filter_curly_bracket": c.filterCurlyBracket = bool(value)
            case "filter_policy": c.filterPolicy = bool(value)
            default: throw ParamError.unknown(filter, key)
            }
        }
        return C4QualityFilter(config: c)
    case "c4_paragraph":
        var c = C4ParagraphConfig()
        for (key, value) in params {
            switch key {
            case "min_paragraphs": c.minParagraphs = int(value)
            case "min_paragraph_len": c.minParagraphLen = int(value)
            case "line_delimiter": c.lineDelimiter = string(value)
            default: throw ParamError.unknown(filter, key)
            }
        }
        return C4ParagraphFilter(config: c)
    case "fineweb_quality":
        var c = FineWebQualityConfig()
        for (key, value) in params {
            switch key {
            case "line_punct_thr": c.linePunctThr = double(value)
            case "line_punct_exclude_zero": c.linePunctExcludeZero = bool(value)
            case "stop_chars": c.stopChars = strings(value)
            case "short_line_thr": c.shortLineThr = double(value)
            case "short_line_length": c.shortLineLength = int(value)
            case "char_duplicates_ratio": c.charDuplicatesRatio = double(value)
            case "new_line_ratio": c.newLineRatio = double(value)
            default: throw ParamError.unknown(filter, key)
            }
        }
        return FineWebQualityFilter(config: c, tokenizer: WhitespaceWordTokenizer())
    case "pii":
        var c = PIIFormatterConfig()
        for (key, value) in params {
            switch key {
            case "remove_emails": c.removeEmails = bool(value)
            case "remove_ips": c.removeIps = bool(value)
            case "only_remove_public_ips": c.onlyRemovePublicIps = bool(value)
            case "email_replacement": c.emailReplacement = strings(value)
            case "ip_replacement": c.ipReplacement = strings(value)
            default: throw ParamError.unknown(filter, key)
            }
        }
        return PIIFormatter(config: c)
    default:
        throw ParamError.unknown(filter, "(filter)")
    }
}

// MARK: Golden agreement

@Suite("C4, FineWeb and PII: datatrove golden")
struct C4FineWebGoldenTests {
    @Test("the golden file loads, with boundary and real documents")
    func fixtureLoads() throws {
        let golden = try C4FineWebGolden.load()
        #expect(golden.records.count > 400)
        #expect(golden.records.filter { $0.name.hasPrefix("real/") }.count >= 250)
    }

    @Test("every default decision and rewritten text", arguments: C4FineWebGolden.records)
    func defaults(_ record: C4FineWebGolden.Record) {
        let text = record.text

        let (c4, c4Text) = run(C4QualityFilter(), text)
        #expect(c4 == record.c4Quality, "c4_quality")
        if let edits = record.c4QualityEdits, c4 == "keep" {
            let want = applying(edits, to: text)
            #expect(same(c4Text, want), "c4_quality text\ngot  \(escaped(c4Text))\nwant \(escaped(want))")
        } else if c4 != "keep" {
            #expect(same(c4Text, text), "a dropped document keeps its text")
        }

        #expect(run(C4ParagraphFilter(), text).0 == record.c4Paragraph, "c4_paragraph")
        #expect(run(FineWebQualityFilter(tokenizer: WhitespaceWordTokenizer()), text).0 == record.finewebQuality,
                "fineweb_quality")

        let (pii, piiText) = run(PIIFormatter(), text)
        let want = applying(record.piiEdits, to: text)
        #expect(pii == "keep")
        #expect(same(piiText, want), "pii text\ngot  \(escaped(piiText))\nwant \(escaped(want))")
    }

    @Test("non-default settings", arguments: C4FineWebGolden.records.filter { $0.variants != nil })
    func variants(_ record: C4FineWebGolden.Record) throws {
        let text = record.text
        for variant in record.variants ?? [] {
            let filter = try makeFilter(variant.filter, variant.params)
            var copy = text
            let got = answer(filter.apply(to: &copy))
            let label = "\(variant.filter) \(variant.params.keys.sorted())"
            #expect(got == variant.decision, "\(label)")
            if let edits = variant.edits, got == "keep" {
                let want = applying(edits, to: text)
                #expect(same(copy, want), "\(label) text\ngot  \(escaped(copy))\nwant \(escaped(want))")
            }
        }
    }

    @Test("sentences as datatrove's split_into_sentences cuts them",
          arguments: C4FineWebGolden.records.filter { $0.sentences != nil })
    func sentences(_ record: C4FineWebGolden.Record) {
        let line = String(record.text.split(separator: "\n", omittingEmptySubsequences: false).last!)
        let got = SpacySentenceSplitter().sentences(line[...]).map(String.init)
        let want = record.sentences ?? []
        #expect(got.count == want.count && zip(got, want).allSatisfy(same),
                "got \(got.map { escaped($0) })\nwant \(want.map { escaped($0) })")
        #expect(SpacySentenceSplitter().sentenceCount(line[...]) == want.count)
    }

    @Test("FineWeb with spaCy words (SpacyEnglishTokenizer) against datatrove's default tokenizer")
    func finewebSpacyWords() {
        let filter = FineWebQualityFilter(tokenizer: SpacyEnglishTokenizer())
        var disagreements: [String] = []
        for record in C4FineWebGolden.records where run(filter, record.text).0 != record.finewebQualitySpacy {
            disagreements.append(record.name)
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) of \(C4FineWebGolden.records.count): \(disagreements.prefix(10))")
    }
}

// MARK: Focused rules

@Suite("C4 quality filter")
struct C4QualityFilterTests {
    static let sentences = [
        "The harbour was quiet in the early morning.", "Fishing boats waited for the tide to turn.",
        "A gull watched them from the old stone wall.", "Nobody on the quay said a single word.",
        "The lighthouse keeper wrote the weather in his ledger.",
    ]
    static let five = sentences.joined(separator: "\n")
    static let four = sentences.prefix(4).joined(separator: "\n")

    func decide(_ text: String, _ config: C4QualityConfig = C4QualityConfig()) -> (FilterDecision, String) {
        var copy = text
        return (C4QualityFilter(config: config).apply(to: &copy), copy)
    }

    @Test("datatrove's defaults and name")
    func defaults() {
        let c = C4QualityConfig()
        #expect(c == C4QualityConfig(splitParagraph: true, removeCitations: true, filterNoTerminalPunct: true,
                                     minNumSentences: 5, minWordsPerLine: 3, maxWordLength: 1000,
                                     filterLoremIpsum: true, filterJavascript: true, filterCurlyBracket: true,
                                     filterPolicy: true))
        #expect(C4QualityFilter().name == "c4_quality")
    }

    @Test("five sentences keep, four drop; a line's sentences all count")
    func sentenceCount() {
        #expect(decide(Self.five).0 == .keep)
        #expect(decide(Self.four).0 == .drop("too_few_sentences"))
        #expect(decide(Self.four + " Then it rained.").0 == .keep)
        #expect(decide(Self.sentences.joined(separator: " ")).0 == .keep)
        // "Mr." is one token: no new sentence after it.
        #expect(decide(Self.four.replacingOccurrences(of: "Nobody", with: "Mr. Nobody")).0 == .drop("too_few_sentences"))
        var config = C4QualityConfig()
        config.minNumSentences = 4
        #expect(decide(Self.four, config).0 == .keep)
    }

    @Test("a word of exactly max_word_length scalars stays; one more drops the line")
    func wordLength() {
        #expect(decide(Self.four + "\nA " + String(repeating: "é", count: 1000) + " word.").0 == .keep)
        #expect(decide(Self.four + "\nA " + String(repeating: "é", count: 1001) + " word.").0 == .drop("too_few_sentences"))
        var config = C4QualityConfig()
        config.maxWordLength = -1
        #expect(decide(Self.four + "\nA " + String(repeating: "x", count: 5000) + " word.", config).0 == .keep)
    }

    @Test("terminal punctuation: . ? ! \" ' end a line, ... and others do not")
    func terminalPunctuation() {
        for ending in [".", "?", "!", "\"", "'", ".."] {
            #expect(decide(Self.four + "\nOne more line" + ending).0 == .keep, "\(ending)")
        }
        for ending in ["...", "....", ":", "\u{2026}", "\u{3002}", ""] {
            #expect(decide(Self.four + "\nOne more line" + ending).0 == .drop("too_few_sentences"), "\(ending)")
        }
    }

    @Test("at least three words, counted before citations are removed")
    func minWords() {
        #expect(decide(Self.four + "\nTwo words.").0 == .drop("too_few_sentences"))
        let (decision, text) = decide(Self.four + "\nHello [1] there.")
        #expect(decision == .keep)
        #expect(text.hasSuffix("\nHello  there."))
    }

    @Test("citations are removed in one pass; a citation after the stop drops the line")
    func citations() {
        let (decision, text) = decide(Self.four + "\nA fact [12][edit] from [citation needed] the wiki [] here [[3]].")
        #expect(decision == .keep)
        #expect(text.hasSuffix("\nA fact  from  the wiki  here []."), "\(text)")
        #expect(decide(Self.four + "\nA fact from the wiki. [1]").0 == .drop("too_few_sentences"))
        #expect(decide(Self.four + "\nUnicode digits [\u{661}\u{662}] go too.").1.hasSuffix("digits  go too."))
    }

    @Test("lorem ipsum and { drop the document, javascript and policy phrases the line, in that order")
    func phrases() {
        #expect(decide(Self.five + "\nLOREM Ipsum dolor sit amet.").0 == .drop("lorem_ipsum"))
        #expect(decide(Self.five + "\nlorem ipsum dolor sit amet").0 == .keep)  // unjudged line
        #expect(decide(Self.five + "\nA set {1, 2} here.").0 == .drop("curly_bracket"))
        #expect(decide(Self.five + "\nA set {1, 2} in javascript.").0 == .keep)
        #expect(decide(Self.five + "\nA set {1, 2} here.\nLorem ipsum dolor sit.").0 == .drop("curly_bracket"))
        for phrase in ["Terms of Use", "privacy policy", "COOKIE POLICY", "uses cookies", "use of cookies",
                       "use cookies", "uses coo\u{212A}ies"] {
            let (decision, text) = decide(Self.five + "\nSee our \(phrase) here.")
            #expect(decision == .keep)
            #expect(text == Self.five, "\(phrase)")
        }
        var config = C4QualityConfig()
        config.filterCurlyBracket = false
        #expect(decide(Self.five + "\nA set {1, 2} here.", config).0 == .keep)
    }

    @Test("splitlines boundaries, stripping, and the rewritten text")
    func rewriting() {
        let text = "  " + Self.sentences[0] + "\r\n" + Self.sentences[1] + "\u{2028}no stop\u{85}"
            + Self.sentences[2] + "\u{3000}\u{B}" + Self.sentences[3] + "\u{C}" + Self.sentences[4] + "\n\n"
        let (decision, out) = decide(text)
        #expect(decision == .keep)
        #expect(out == Self.five)
    }

    @Test("a document whose lines are all removed: dropped by default, kept empty like datatrove at -1")
    func emptied() {
        #expect(decide("no stop\n[1]\nTwo words.").0 == .drop("too_few_sentences"))
        var config = C4QualityConfig()
        config.minNumSentences = -1
        let (decision, text) = decide("no stop\n[1]\nTwo words.", config)
        #expect(decision == .keep)
        #expect(text == "")
        #expect(decide("").0 == .drop("too_few_sentences"))
    }

    @Test("sentence mode (split_paragraph false) judges spaCy sentences and joins them with spaces")
    func sentenceMode() {
        var config = C4QualityConfig()
        config.splitParagraph = false
        let (decision, text) = decide(Self.five, config)
        #expect(decision == .keep)
        #expect(text == Self.sentences.joined(separator: " "))
    }
}

@Suite("C4 sentences (spaCy sentencizer)")
struct SpacySentenceSplitterTests {
    let splitter = SpacySentenceSplitter()

    func pieces(_ text: String) -> [String] { splitter.sentences(text[...]).map(String.init) }

    @Test("pieces cover the text; whitespace stays with the next piece")
    func pieces() {
        #expect(pieces("Hello world. Bye now.") == ["Hello world.", " Bye now."])
        #expect(pieces("") == [""])
        #expect(pieces("   ") == ["   "])
        #expect(pieces("No stop at all") == ["No stop at all"])
        #expect(pieces("Hello world. (Bye) now.") == ["Hello world. (", "Bye) now."])
        #expect(pieces("Hello.\nWorld") == ["Hello.", "\nWorld"])
        #expect(pieces("Wait... what? Yes!") == ["Wait... what?", " Yes!"])
        #expect(pieces("Mr. Smith arrived.") == ["Mr. Smith arrived."])
        #expect(splitter.sentenceCount("A. B. C."[...]) == 1)  // "A." is one token: no period token
        #expect(splitter.sentenceCount("A b. C d. E f."[...]) == 1)  // "b." and "d." are exceptions too
        #expect(splitter.sentenceCount("Ab cd. Ef gh. Ij kl."[...]) == 3)
    }
}

@Suite("C4 paragraph filter")
struct C4ParagraphFilterTests {
    func decide(_ text: String, _ config: C4ParagraphConfig = C4ParagraphConfig()) -> FilterDecision {
        var copy = text
        return C4ParagraphFilter(config: config).apply(to: &copy)
    }

    @Test("three lines of 200 scalars keep; 199 or two lines drop")
    func rule() {
        let long = String(repeating: "中", count: 200)
        #expect(C4ParagraphFilter().name == "c4_paragraph")
        #expect(decide([long, long, long].joined(separator: "\n")) == .keep)
        #expect(decide([long, "short", long, long].joined(separator: "\n")) == .keep)
        #expect(decide([long, long, String(repeating: "x", count: 199)].joined(separator: "\n")) == .drop("< 3 paragraphs"))
        #expect(decide([long + long, long + long].joined(separator: "\n")) == .drop("< 3 paragraphs"))
        #expect(decide("") == .drop("< 3 paragraphs"))
        var config = C4ParagraphConfig()
        config.minParagraphs = 2
        #expect(decide([long, long].joined(separator: "\n"), config) == .keep)
        #expect(decide("x\ny", config) == .drop("< 2 paragraphs"))
    }
}

@Suite("FineWeb quality filter")
struct FineWebQualityFilterTests {
    func decide(_ text: String, _ config: FineWebQualityConfig = FineWebQualityConfig()) -> FilterDecision {
        var copy = text
        return FineWebQualityFilter(config: config).apply(to: &copy)
    }

    /// 100 distinct lines of 9 words and 40+ scalars; the first `punctuated` end with a full stop.
    func lines(punctuated: Int) -> String {
        (0..<100).map { "Line number \($0) has quite a few words in it" + ($0 < punctuated ? "." : "") }
            .joined(separator: "\n")
    }

    @Test("datatrove's defaults and name")
    func defaults() {
        let c = FineWebQualityConfig()
        #expect(c == FineWebQualityConfig(linePunctThr: 0.12, linePunctExcludeZero: false, stopChars: nil,
                                          shortLineThr: 0.67, shortLineLength: 30, charDuplicatesRatio: 0.01,
                                          newLineRatio: 0.3))
        #expect(FineWebQualityFilter().name == "fineweb_quality")
    }

    @Test("empty, and the line punctuation ratio at its edge")
    func punctuation() {
        #expect(decide("") == .drop("empty"))
        #expect(decide(" \n\t\n") == .drop("empty"))
        #expect(decide(lines(punctuated: 12)) == .keep)
        #expect(decide(lines(punctuated: 11)) == .drop("line_punct_ratio"))
        var config = FineWebQualityConfig()
        config.linePunctExcludeZero = true
        #expect(decide(lines(punctuated: 0), config) == .keep)
        config.stopChars = ["it"]
        #expect(decide(lines(punctuated: 0), config) == .keep)
        // Unstripped lines: a space or \r after the stop does not count.
        #expect(decide((0..<20).map { "Line \($0) has several words in it. " }.joined(separator: "\n")) == .drop("line_punct_ratio"))
    }

    @Test("short lines: at most 30 scalars; more than 0.67 of lines drops")
    func shortLines() {
        func text(short: Int) -> String {
            (0..<100).map { i in
                i < short ? "s\(100 + i)" + String(repeating: " ab", count: 8) + "z."  // 30 scalars
                    : "l\(100 + i)" + String(repeating: " ab", count: 8) + "zz."  // 31
            }.joined(separator: "\n")
        }
        #expect(decide(text(short: 67)) == .keep)
        #expect(decide(text(short: 68)) == .drop("short_line_ratio"))
    }

    @Test("duplicated line characters and newlines per word")
    func duplicatesAndLists() {
        let base = (0..<196).map { String(("Sentence \(1000 + $0) is unique and ends here " + String(repeating: "w", count: 50)).prefix(49)) + "." }
        func dup(_ n: Int) -> String { (base + [String(repeating: "d", count: n - 1) + ".", String(repeating: "d", count: n - 1) + "."]).joined(separator: "\n") }
        #expect(decide(dup(100)) == .keep)
        #expect(decide(dup(101)) == .drop("char_dup_ratio"))
        let body = (0..<31).map { "alphabetical\($0) beginnings\($0) considerations\($0)." }
        #expect(decide((body.dropLast() + [body.last! + " a b c d e f g."]).joined(separator: "\n")) == .keep)
        #expect(decide((body + ["a b c d e f g."]).joined(separator: "\n")) == .drop("list_ratio"))
    }
}

@Suite("PII formatter")
struct PIIFormatterTests {
    func format(_ text: String, _ config: PIIFormatterConfig = PIIFormatterConfig()) -> String {
        var copy = text
        #expect(PIIFormatter(config: config).apply(to: &copy) == .keep)
        return copy
    }

    @Test("e-mail addresses, replaced in turn")
    func emails() {
        #expect(PIIFormatter().name == "pii")
        #expect(format("Mail john.doe@example.com, a@b.co and x+y@sub.domain.org.")
                == "Mail email@example.com, firstname.lastname@example.org and email@example.com.")
        #expect(format("root@localhost") == "root@localhost")
        #expect(format("first..last@x.com") == "first..email@example.com")
        #expect(format("-start@x.com") == "-email@example.com")
        #expect(format("jöhn@example.com") == "jöhn@example.com")
        #expect(format("d@a.b.") == "email@example.com.")
        #expect(format("k@[192.168.0.1]") == "email@example.com")
    }

    @Test("public IPv4 addresses only, by Python 3.11.7's is_global")
    func ips() {
        #expect(format("8.8.8.8 and 192.168.1.1 and 10.0.0.1 and 1.1.1.1")
                == "22.214.171.124 and 192.168.1.1 and 10.0.0.1 and 126.96.36.199")
        #expect(format("100.64.0.1 127.0.0.1 0.0.0.0 255.255.255.255 240.0.0.1 192.0.2.1")
                == "100.64.0.1 127.0.0.1 0.0.0.0 255.255.255.255 240.0.0.1 192.0.2.1")
        #expect(format("224.0.0.1") == "22.214.171.124")  // multicast is global in 3.11.7
        #expect(format("08.8.8.8") == "08.8.8.8")  // leading zero: ipaddress rejects it
        #expect(format("1.2.3.256") == "22.214.171.1246")  // the regex stops at 25
        var config = PIIFormatterConfig()
        config.onlyRemovePublicIps = false
        #expect(format("192.168.1.1 08.8.8.8", config) == "22.214.171.124 08.8.8.8")
        config.removeIps = false
        #expect(format("8.8.8.8", config) == "8.8.8.8")
    }
}
