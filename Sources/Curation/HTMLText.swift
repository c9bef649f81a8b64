/// Reduces an HTML document to the text a reader would see, with block structure kept as line
/// breaks. Meant for turning crawled or archived pages into training text, so it favours
/// robustness over fidelity: one forward pass over the UTF-8 bytes, no DOM, no regular
/// expressions, linear time in the input, and no input that can make it trap.
///
/// What it does, in the order a byte meets it:
/// - Markup: tags are removed; attribute values are tokenized (quoted `>` does not end a tag).
///   Comments, `<!DOCTYPE>`, `<![CDATA[...]]>`, `<?...>` and `</ junk>` are dropped. A `<` that
///   is not followed by a letter, `/`, `!` or `?` is ordinary text, as in browsers.
/// - Dropped elements: the contents of `script`, `style`, `noscript`, `iframe`, `noembed` and
///   `noframes` are raw text ending only at the matching end tag (or the end of input), so a
///   `</div>` inside a script string changes nothing. `template` and `svg` are tokenized but
///   their text is dropped, nesting included.
/// - Layout: block-level elements become line breaks (a blank line around paragraph-like ones,
///   a single newline around list items, rows, `div`s and the like); `br` is one newline; table
///   cells are separated by a tab. Whitespace in normal text collapses to one space; inside
///   `pre`, `listing` and `textarea` it is kept as written.
/// - Character references: decimal, hex and named (the full HTML 4 set, see `HTMLEntities`).
///   `&nbsp;` becomes an ordinary space. Unknown names stay as written.
/// - Output: CRLF and CR become LF, trailing spaces and tabs are trimmed from every line, there is
///   never more than one blank line in a row, and no blank lines at the start or end. `<title>`,
///   if present, is the first paragraph.
public enum HTMLText {
    /// The visible text of `html`, laid out as described on `HTMLText`.
    public static func extract(_ html: String) -> String {
        extract(bytes: html.utf8)
    }

    /// The same for raw bytes, assumed UTF-8 (or ASCII-compatible). Invalid UTF-8 sequences in
    /// the text come out as U+FFFD; markup is recognised either way, since it is all ASCII.
    public static func extract(bytes: some Collection<UInt8>) -> String {
        if let text = bytes.withContiguousStorageIfAvailable({ Reducer.reduce($0) }) {
            return text
        }
        return Array(bytes).withUnsafeBufferPointer { Reducer.reduce($0) }
    }
}

// MARK: - Element classes

/// How the reducer treats an element; anything not listed in `elementKinds` is inline and only
/// its tags are removed.
private enum ElementKind: Sendable {
    /// Line breaks before and after: 2 means a blank line (paragraphs, headings), 1 a newline.
    case block(Int)
    /// `ul`, `ol`, `dl`, `menu`: a blank line around a top-level list, a single newline around
    /// a nested one, so that nested items stay one per line without gaps.
    case list
    /// `br`: exactly one newline, every time (two `br` make a blank line).
    case lineBreak
    /// `td`, `th`: a tab between the cells of a row.
    case cell
    /// `pre`, `listing`: a paragraph whose whitespace is kept.
    case preformatted
    /// Raw text whose content is dropped, up to the matching end tag.
    case dropRaw
    /// `title`: text up to `</title>`, with references decoded, as its own paragraph.
    case title
    /// `textarea`: text up to `</textarea>`, with references decoded and whitespace kept.
    case textarea
    /// `template`, `svg`: tags still parsed (so nesting is tracked), text dropped.
    case dropNested
}

private let elementKinds: [String: ElementKind] = {
    var kinds: [String: ElementKind] = [:]
    for name in ["p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "hr", "address",
                 "figure"] {
        kinds[name] = .block(2)
    }
    for name in ["div", "section", "article", "header", "footer", "nav", "aside", "main", "li",
                 "dt", "dd", "tr", "thead", "tbody", "tfoot", "caption", "form", "fieldset",
                 "legend", "figcaption", "details", "summary", "dialog", "center", "hgroup",
                 "search", "option", "optgroup", "html", "body"] {
        kinds[name] = .block(1)
    }
    for name in ["ul", "ol", "dl", "menu"] { kinds[name] = .list }
    for name in ["script", "style", "noscript", "iframe", "noembed", "noframes"] {
        kinds[name] = .dropRaw
    }
    kinds["br"] = .lineBreak
    kinds["td"] = .cell
    kinds["th"] = .cell
    kinds["pre"] = .preformatted
    kinds["listing"] = .preformatted
    kinds["title"] = .title
    kinds["textarea"] = .textarea
    kinds["template"] = .dropNested
    kinds["svg"] = .dropNested
    return kinds
}()

// MARK: - Byte classes (ASCII; every byte of a multi-byte UTF-8 sequence is >= 0x80)

private let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">"), amp = UInt8(ascii: "&")
private let slash = UInt8(ascii: "/"), bang = UInt8(ascii: "!"), question = UInt8(ascii: "?")
private let dash = UInt8(ascii: "-"), semicolon = UInt8(ascii: ";"), hash = UInt8(ascii: "#")
private let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), lf = UInt8(ascii: "\n")
private let cr = UInt8(ascii: "\r"), ff: UInt8 = 0x0C

/// HTML's whitespace: space, tab, LF, FF, CR. Other Unicode spaces (U+3000, ...) are text.
@inline(__always) private func isSpace(_ b: UInt8) -> Bool {
    b == space || b == lf || b == tab || b == cr || b == ff
}
@inline(__always) private func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
@inline(__always) private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
@inline(__always) private func isAlnum(_ b: UInt8) -> Bool { isAlpha(b) || isDigit(b) }
@inline(__always) private func lower(_ b: UInt8) -> UInt8 { isAlpha(b) ? b | 0x20 : b }
/// Bytes that end a run of plain text: they need a decision of their own.
@inline(__always) private func isSpecial(_ b: UInt8) -> Bool {
    b == lt || b == amp || isSpace(b) || b == 0
}

// MARK: - The reducer

/// One pass over the input. Text goes to `out` as it is met, with whitespace collapsed lazily
/// (`pendingSpace`); line layout is then cleaned up by `finish` in a second linear pass, which
/// keeps the per-element rules simple (they may over-produce newlines and spaces at line ends).
private struct Reducer {
    let p: UnsafeBufferPointer<UInt8>
    let n: Int
    var out: [UInt8] = []
    /// Whitespace was seen in normal text; becomes one space before the next visible text,
    /// unless a line break comes first.
    var pendingSpace = false
    /// Open `pre` / `listing` elements (plus one while inside a `textarea`): whitespace is kept.
    var preDepth = 0
    /// Open lists, to tell nested lists from top-level ones.
    var listDepth = 0
    /// The outermost `template` / `svg` whose contents are being dropped, and how many elements
    /// of that name are open inside it.
    var dropName: String?
    var dropDepth = 0

    init(input: UnsafeBufferPointer<UInt8>) {
        p = input
        n = input.count
        out.reserveCapacity(n / 2)
    }

    /// The byte at `k`, or 0 past the end: look-ahead never needs its own bounds check, and 0
    /// (which the scanner never looks for) cannot match what it is looking for.
    @inline(__always) func at(_ k: Int) -> UInt8 { k < n ? p[k] : 0 }

    static func reduce(_ input: UnsafeBufferPointer<UInt8>) -> String {
        var reducer = Reducer(input: input)
        return reducer.run()
    }

    mutating func run() -> String {
        var i = 0
        while i < n {
            if p[i] == lt {
                i = markup(at: i)
            } else if dropName != nil {
                i = index(of: lt, from: i + 1)  // dropped text: nothing to decode
            } else {
                i = text(at: i, limit: n)
            }
        }
        return finish()
    }

    // MARK: Markup

    /// Handles what starts with the `<` at `i`; returns the index just after it.
    mutating func markup(at i: Int) -> Int {
        let next = at(i + 1)
        if isAlpha(next) { return startTag(at: i) }
        switch next {
        case slash:
            let after = at(i + 2)
            if isAlpha(after) { return endTag(at: i) }
            if after == gt { return i + 3 }  // `</>` is ignored by browsers
            if i + 2 >= n {  // `</` at the very end is text
                if dropName == nil { emitPlain(UnsafeBufferPointer(rebasing: p[i..<n])) }
                return n
            }
            return past(gt, from: i + 2)  // `</ junk>` is a bogus comment
        case bang:
            if at(i + 2) == dash && at(i + 3) == dash { return comment(from: i + 4) }
            if hasPrefix("[CDATA[", at: i + 2) { return cdata(from: i + 9) }
            return past(gt, from: i + 2)  // <!DOCTYPE ...>, other `<!` declarations
        case question:
            return past(gt, from: i + 2)  // processing instruction (bogus comment)
        default:
            // `a < b`, `1<2`, `<<`: not a tag, so the `<` is text.
            if dropName == nil { emitByte(lt) }
            return i + 1
        }
    }

    /// After `<!--` at `j`: the end of the comment, `-->` or `--!>`; the browsers' abrupt forms
    /// `<!-->` and `<!--->` are empty comments. Unclosed, it runs to the end of input.
    func comment(from j: Int) -> Int {
        if at(j) == gt { return j + 1 }
        if at(j) == dash && at(j + 1) == gt { return j + 2 }
        var k = j
        while k < n {
            if p[k] == dash && at(k + 1) == dash {
                if at(k + 2) == gt { return k + 3 }
                if at(k + 2) == bang && at(k + 3) == gt { return k + 4 }
            }
            k += 1
        }
        return n
    }

    /// After `<![CDATA[`: its end, `]]>`, or the end of input. (HTML proper would end it at the
    /// first `>`, but CDATA sections come from XHTML pages that expect the XML rule.)
    func cdata(from j: Int) -> Int {
        let bracket = UInt8(ascii: "]")
        var k = j
        while k < n {
            if p[k] == bracket && at(k + 1) == bracket && at(k + 2) == gt { return k + 3 }
            k += 1
        }
        return n
    }

    mutating func startTag(at i: Int) -> Int {
        // A tag cut off by the end of input is dropped with everything in it, as browsers do.
        guard let tag = parseTag(nameAt: i + 1) else { return n }
        let kind = elementKinds[tag.name]
        if let dropping = dropName {
            if tag.name == dropping && !(tag.selfClosing && dropping == "svg") { dropDepth += 1 }
            switch kind {
            case .dropRaw, .title, .textarea: return rawTextEnd(name: tag.name, from: tag.end)
            default: return tag.end
            }
        }
        switch kind {
        case nil:
            break
        case .block(let count):
            breakLines(count)
        case .list:
            breakLines(listDepth > 0 ? 1 : 2)
            listDepth += 1
        case .lineBreak:
            lineBreak()
        case .cell:
            cellSeparator()
        case .preformatted:
            breakLines(2)
            preDepth += 1
            return skipLeadingNewline(tag.end)
        case .dropRaw:
            return rawTextEnd(name: tag.name, from: tag.end)
        case .title:
            breakLines(2)
            let end = rawTextEnd(name: tag.name, from: tag.end)
            emitText(from: tag.end, to: end)
            return end  // `</title>` is then read as an end tag and closes the paragraph
        case .textarea:
            let start = skipLeadingNewline(tag.end)
            let end = rawTextEnd(name: tag.name, from: start)
            preDepth += 1
            emitText(from: start, to: end)
            preDepth -= 1
            return end
        case .dropNested:
            // `<svg/>` is an empty element; `<template/>` is not (HTML ignores the slash there).
            if !(tag.selfClosing && tag.name == "svg") {
                dropName = tag.name
                dropDepth = 1
            }
        }
        return tag.end
    }

    mutating func endTag(at i: Int) -> Int {
        guard let tag = parseTag(nameAt: i + 2) else { return n }
        if let dropping = dropName {
            if tag.name == dropping {
                dropDepth -= 1
                if dropDepth == 0 { dropName = nil }
            }
            return tag.end
        }
        switch elementKinds[tag.name] {
        case .block(let count):
            breakLines(count)
        case .list:
            listDepth = max(0, listDepth - 1)
            breakLines(listDepth > 0 ? 1 : 2)
        case .lineBreak:
            lineBreak()  // browsers read a stray `</br>` as `<br>`
        case .preformatted:
            preDepth = max(0, preDepth - 1)
            breakLines(2)
        case .title:
            breakLines(2)
        default:
            break  // inline, cells (the next cell adds the tab), stray ends of dropped elements
        }
        return tag.end
    }

    /// Reads a tag from its name at `k` to its `>`. The name is lower-cased; names longer than
    /// any known element come back empty (so a huge `<aaaa...` costs no allocation). Returns nil
    /// when the input ends inside the tag, including inside a quoted attribute value.
    func parseTag(nameAt k: Int) -> (name: String, end: Int, selfClosing: Bool)? {
        var k = k
        let nameStart = k
        while k < n && !isSpace(p[k]) && p[k] != slash && p[k] != gt { k += 1 }
        let length = k - nameStart
        let name: String
        if length <= 15 {  // fits a small (inline, unallocated) String
            name = String(unsafeUninitializedCapacity: length) { buffer in
                for j in 0..<length { buffer[j] = lower(p[nameStart + j]) }
                return length
            }
        } else {
            name = ""
        }
        // Attributes: only their extent matters. Simplified from the HTML tokenizer's states,
        // but agreeing with it on where the tag ends.
        var selfClosing = false
        while true {
            while k < n && isSpace(p[k]) { k += 1 }
            guard k < n else { return nil }
            let c = p[k]
            if c == gt { return (name, k + 1, selfClosing) }
            if c == slash {
                k += 1
                selfClosing = at(k) == gt
                continue
            }
            selfClosing = false
            // Attribute name; its first character may be anything, even `=`.
            k += 1
            while k < n && !isSpace(p[k]) && p[k] != slash && p[k] != gt && p[k] != UInt8(ascii: "=") {
                k += 1
            }
            while k < n && isSpace(p[k]) { k += 1 }
            guard at(k) == UInt8(ascii: "=") else { continue }
            k += 1
            while k < n && isSpace(p[k]) { k += 1 }
            guard k < n else { return nil }
            let quote = p[k]
            if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                k = index(of: quote, from: k + 1)
                guard k < n else { return nil }
                k += 1
            } else {
                while k < n && !isSpace(p[k]) && p[k] != gt { k += 1 }
            }
        }
    }

    /// Raw text and RCDATA elements end only at `</name` followed by whitespace, `/` or `>`
    /// (any case). Returns where that end tag starts, or the end of input if it never comes.
    func rawTextEnd(name: String, from start: Int) -> Int {
        let nameBytes = Array(name.utf8)
        var k = start
        while k < n {
            k = index(of: lt, from: k)
            guard k < n else { break }
            if at(k + 1) == slash {
                var j = 0
                while j < nameBytes.count && lower(at(k + 2 + j)) == nameBytes[j] { j += 1 }
                let after = at(k + 2 + j)
                if j == nameBytes.count && (isSpace(after) || after == slash || after == gt) {
                    return k
                }
            }
            k += 1
        }
        return n
    }

    /// HTML drops one newline right after `<pre>`, `<listing>` and `<textarea>`.
    func skipLeadingNewline(_ k: Int) -> Int {
        if at(k) == lf { return k + 1 }
        if at(k) == cr { return at(k + 1) == lf ? k + 2 : k + 1 }
        return k
    }

    // MARK: Text

    /// Emits everything in `start..<end` as text (title and textarea contents: no tags there).
    mutating func emitText(from start: Int, to end: Int) {
        var k = start
        while k < end { k = text(at: k, limit: end) }
    }

    /// Emits the text that starts at `k` (a run of plain bytes, one whitespace byte or one
    /// character reference) and returns where it stops; never goes past `limit`.
    mutating func text(at k: Int, limit: Int) -> Int {
        let c = p[k]
        if c == amp { return reference(at: k, limit: limit) }
        if c == cr {  // CRLF and lone CR are newlines, as in HTML's input stream
            whitespace(lf)
            return k + 1 < limit && p[k + 1] == lf ? k + 2 : k + 1
        }
        if isSpace(c) {
            whitespace(c)
            return k + 1
        }
        if c == 0 { return k + 1 }  // NUL is dropped from text, as browsers do
        var e = k + 1  // c may be `<` here (title/textarea content): plain text
        while e < limit && !isSpecial(p[e]) { e += 1 }
        emitPlain(UnsafeBufferPointer(rebasing: p[k..<e]))
        return e
    }

    /// The character reference at the `&` at `k`, or a literal `&` when there is none.
    mutating func reference(at k: Int, limit: Int) -> Int {
        if k + 1 < limit && p[k + 1] == hash {
            var j = k + 2
            let hex = j < limit && lower(p[j]) == UInt8(ascii: "x")
            if hex { j += 1 }
            let digitsStart = j
            var value: UInt32 = 0
            while j < limit, let digit = digitValue(p[j], hex: hex) {
                // Saturate just past the Unicode range: any longer number is invalid anyway.
                value = min(value * (hex ? 16 : 10) + digit, 0x110000)
                j += 1
            }
            if j > digitsStart {
                if j < limit && p[j] == semicolon { j += 1 }  // browsers accept it missing
                emitScalar(numericReference(value))
                return j
            }
        } else {
            // Names are alphanumeric; read at most one byte past the longest known name.
            var j = k + 1
            while j < limit && j - k <= HTMLEntities.maxNameLength && isAlnum(p[j]) { j += 1 }
            let length = j - k - 1
            if length > 0 && length <= HTMLEntities.maxNameLength {
                let name = String(decoding: UnsafeBufferPointer(rebasing: p[k + 1..<j]), as: UTF8.self)
                if let scalar = HTMLEntities.table[name] {
                    if j < limit && p[j] == semicolon {
                        emitScalar(scalar.value)
                        return j + 1
                    }
                    // `&amp`, `&lt`, `&nbsp` ... without `;`: the run of alphanumerics ended at j,
                    // so the next character is not alphanumeric, as the rule requires.
                    if HTMLEntities.legacyWithoutSemicolon.contains(name) {
                        emitScalar(scalar.value)
                        return j
                    }
                }
            }
        }
        emitByte(amp)  // not a reference: the `&` is text
        return k + 1
    }

    func digitValue(_ b: UInt8, hex: Bool) -> UInt32? {
        if isDigit(b) { return UInt32(b - 0x30) }
        let l = lower(b)
        if hex && l >= UInt8(ascii: "a") && l <= UInt8(ascii: "f") { return UInt32(l - 0x61 + 10) }
        return nil
    }

    /// What a numeric reference stands for, per HTML: NUL, surrogates and values beyond
    /// U+10FFFF are U+FFFD; the C1 range is read as windows-1252.
    func numericReference(_ value: UInt32) -> UInt32 {
        if value == 0 || value > 0x10FFFF || (0xD800...0xDFFF).contains(value) { return 0xFFFD }
        if (0x80...0x9F).contains(value) {
            let mapped = HTMLEntities.windows1252C1[Int(value - 0x80)]
            return mapped != 0 ? mapped : value
        }
        return value
    }

    /// Emits a decoded code point; whitespace (and no-break space) follows the whitespace rules.
    mutating func emitScalar(_ value: UInt32) {
        switch value {
        case 0x20, 0x09, 0x0A, 0x0C: whitespace(UInt8(value))
        case 0x0D: whitespace(lf)
        case 0xA0: whitespace(space)  // nbsp is an ordinary space in the output
        default:
            // Callers only pass valid scalars (see numericReference and the entity table).
            guard let scalar = Unicode.Scalar(value) else { return }
            flushSpace()
            UTF8.encode(scalar) { out.append($0) }
        }
    }

    // MARK: Output

    @inline(__always) mutating func whitespace(_ b: UInt8) {
        if preDepth > 0 {
            flushSpace()  // a collapsed space from before an inline `textarea` still counts
            out.append(b)
        } else {
            pendingSpace = true
        }
    }

    /// Emits a pending collapsed space, unless the line is empty or already ends in whitespace.
    @inline(__always) mutating func flushSpace() {
        guard pendingSpace else { return }
        pendingSpace = false
        if let last = out.last, last != lf, last != space, last != tab { out.append(space) }
    }

    @inline(__always) mutating func emitByte(_ byte: UInt8) {
        flushSpace()
        out.append(byte)
    }

    mutating func emitPlain(_ bytes: UnsafeBufferPointer<UInt8>) {
        flushSpace()
        out.append(contentsOf: bytes)
    }

    /// Ends the current line and makes sure `count - 1` blank lines follow (nothing at the
    /// start of the output). Spaces left at the end of the line are trimmed by `finish`.
    mutating func breakLines(_ count: Int) {
        pendingSpace = false
        guard !out.isEmpty else { return }
        var trailing = 0
        while trailing < count && trailing < out.count && out[out.count - 1 - trailing] == lf {
            trailing += 1
        }
        for _ in trailing..<count { out.append(lf) }
    }

    /// `br`: one newline each time, but `finish` would fold a third in a row anyway, so a flood
    /// of `<br>` does not grow the buffer.
    mutating func lineBreak() {
        pendingSpace = false
        let c = out.count
        if c >= 2 && out[c - 1] == lf && out[c - 2] == lf { return }
        out.append(lf)
    }

    /// A tab between table cells: only after something on the row, and never two in a row.
    mutating func cellSeparator() {
        pendingSpace = false
        if let last = out.last, last != lf, last != tab { out.append(tab) }
    }

    /// Trims trailing whitespace from each line, folds runs of blank lines into one and drops
    /// blank lines at both ends.
    func finish() -> String {
        var result: [UInt8] = []
        result.reserveCapacity(out.count)
        var blankBefore = false
        var start = 0
        while start <= out.count {
            var end = start
            while end < out.count && out[end] != lf { end += 1 }
            var trimmed = end
            while trimmed > start && (out[trimmed - 1] == space || out[trimmed - 1] == tab
                                      || out[trimmed - 1] == ff) {
                trimmed -= 1
            }
            if trimmed == start {
                blankBefore = !result.isEmpty
            } else {
                if !result.isEmpty {
                    result.append(lf)
                    if blankBefore { result.append(lf) }
                }
                blankBefore = false
                result.append(contentsOf: out[start..<trimmed])
            }
            start = end + 1
        }
        return String(decoding: result, as: UTF8.self)
    }

    // MARK: Scanning helpers

    /// The index of the next `byte` at or after `k`, or `n`.
    func index(of byte: UInt8, from k: Int) -> Int {
        var k = k
        while k < n && p[k] != byte { k += 1 }
        return k
    }

    /// Just past the next `byte` at or after `k`, or `n` (unclosed: runs to the end of input).
    func past(_ byte: UInt8, from k: Int) -> Int {
        min(index(of: byte, from: k) + 1, n)
    }

    func hasPrefix(_ literal: StaticString, at k: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard k + count <= n else { return false }
        let start = literal.utf8Start
        for j in 0..<count where p[k + j] != start[j] { return false }
        return true
    }
}
