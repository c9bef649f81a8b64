import Foundation
import Testing
@testable import Curation

/// Counts calls to the tokenizer it wraps.
final class CountingTokenizer: WordTokenizer, @unchecked Sendable {
    let inner: any WordTokenizer
    private let lock = NSLock()
    private var count = 0

    init(_ inner: any WordTokenizer) { self.inner = inner }

    var calls: Int { lock.withLock { count } }

    func words(_ text: String) -> [Substring] {
        lock.withLock { count += 1 }
        return inner.words(text)
    }
}

@Suite("Word tokenizers: the byte-scanning whitespace split, and one split shared by a chain")
struct SharedWordTokenizerTests {
    /// Python's `str.split()` by scalars, the obvious way (the reference for the byte scanner).
    func referenceSplit(_ text: String) -> [String] {
        text.unicodeScalars.split(whereSeparator: PythonString.isSpace).map { String(String.UnicodeScalarView($0)) }
    }

    static let tricky: [String] = [
        "", " ", "a", " a ", "a  b\tc\nd\r\ne\u{0B}f\u{0C}g",
        "x\u{1C}y\u{1D}z\u{1E}w\u{1F}v",  // Python's ASCII separators
        "nb\u{A0}sp\u{85}nel\u{1680}ogham\u{2000}en\u{200A}hair\u{2028}ls\u{2029}ps\u{202F}nnb\u{205F}mm\u{3000}ideo",
        "zero\u{200B}width\u{FEFF}bom stay",  // not isspace
        "e\u{301} combining after a space: a \u{301}b",
        "emoji 👍🏽 and 🇩🇪 flags, CJK 日本語テキスト, RTL שלום עולם",
        "replacement \u{FFFD}\u{FFFD} chars",
        "\n\n\n   trailing and leading   \t",
    ]

    @Test("the whitespace tokenizer splits exactly as Python's str.split() on tricky text")
    func whitespaceMatchesReference() {
        let tokenizer = WhitespaceWordTokenizer()
        for text in Self.tricky {
            let words = tokenizer.words(text).map(String.init)
            #expect(words.map { Array($0.unicodeScalars) } == referenceSplit(text).map { Array($0.unicodeScalars) }, "\(text.debugDescription)")
        }
        var rng = SystemRandomNumberGenerator()
        let alphabet: [Unicode.Scalar] = ["a", "Z", " ", "\n", "\t", "\u{A0}", "\u{3000}", "\u{85}", "é", "\u{301}", "日", "😀", "\u{2028}", "\u{1C}", "."]
        for _ in 0..<300 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0..<40, using: &rng) { scalars.append(alphabet.randomElement(using: &rng)!) }
            let text = String(scalars)
            #expect(tokenizer.words(text).map { Array($0.unicodeScalars) } == referenceSplit(text).map { Array($0.unicodeScalars) },
                    "\(text.debugDescription)")
        }
    }

    @Test("words are substrings of the text itself")
    func wordsAreSlices() {
        let text = "  héllo wörld\u{3000}日本  "
        let words = WhitespaceWordTokenizer().words(text)
        #expect(words.map(String.init) == ["héllo", "wörld", "日本"])
        for word in words { #expect(text.utf8[word.startIndex..<word.endIndex].elementsEqual(word.utf8)) }
    }

    static let document = [
        "The committee met on Tuesday to discuss the budget for the coming year.",
        "Several members raised concerns about rising costs and delayed projects.",
        "After a long debate, they agreed to review each department's spending plan.",
        "A report will be published next month with detailed recommendations.",
        "Residents can send comments by mail or attend the public hearing in March.",
        "Officials expect that the final vote will take place before the summer break.",
        "Local businesses have asked for clearer rules on permits and inspections.",
        "The mayor said she was confident that a fair compromise could be found.",
    ].joined(separator: "\n")

    @Test("a chain splits an unchanged document once, and a rewritten one again")
    func chainSplitsOnce() throws {
        for kind in FilterWordTokenizer.allCases {
            var config = FilterConfig()
            config.wordTokenizer = kind
            let counting = CountingTokenizer(config.makeWordTokenizer())
            let shared = SharedWordTokenizer(counting)
            let names = ["gopher_repetition", "gopher_quality", "fineweb_quality"]
            let chain = try names.map { try config.makeFilter(named: $0, tokenizer: shared) }
            var text = Self.document
            for filter in chain { #expect(filter.apply(to: &text) == .keep, "\(filter.name)") }
            #expect(counting.calls == 1, "\(kind)")
            // A new string with the same contents (other storage) is split again, and so is a rewrite.
            var copy = String(decoding: Array(Self.document.utf8), as: UTF8.self)
            _ = chain[1].apply(to: &copy)
            #expect(counting.calls == 2)
            var rewritten = Self.document + " Extra words at the end."
            _ = chain[1].apply(to: &rewritten)
            #expect(counting.calls == 3)
            #expect(shared.words(rewritten).map(String.init) == config.makeWordTokenizer().words(rewritten).map(String.init))
        }
    }

    /// A chain as the filter stage runs it: the first drop ends it.
    func run(_ chain: [any DocumentFilter], _ text: String) -> (FilterDecision, String) {
        var text = text
        for filter in chain {
            let decision = filter.apply(to: &text)
            if decision != .keep { return (decision, text) }
        }
        return (.keep, text)
    }

    @Test("sharing the split changes no decision: chains with and without it agree on the golden texts")
    func sharingChangesNothing() throws {
        let texts = BadInputGolden.records.filter { $0.text.utf8.count < 100_000 }.map(\.text)
            + [Self.document, Self.document + "\n" + Self.document, "Home\nAbout\n" + Self.document]
        for kind in FilterWordTokenizer.allCases {
            var config = FilterConfig()
            config.wordTokenizer = kind
            let plain = try config.chain(forDomain: "default").map { try config.makeFilter(named: $0, tokenizer: config.makeWordTokenizer()) }
            let shared = try config.makeFilters(forDomain: "default")
            for text in texts {
                let (first, a) = run(plain, text)
                let (second, b) = run(shared, text)
                #expect(first == second)
                #expect(a.unicodeScalars.elementsEqual(b.unicodeScalars))
            }
        }
    }
}
