#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Settings of datatrove's `PIIFormatter` (0.10.1): the same names (camelCase here, snake_case in YAML)
/// and defaults as its constructor.
public struct PIIFormatterConfig: Sendable, Equatable {
    /// `remove_emails`: replace e-mail addresses.
    public var removeEmails: Bool
    /// `remove_ips`: replace IPv4 addresses.
    public var removeIps: Bool
    /// `only_remove_public_ips`: replace only addresses Python's `ipaddress` calls global.
    public var onlyRemovePublicIps: Bool
    /// `email_replacement`: used in turn, one per replaced address.
    public var emailReplacement: [String]
    /// `ip_replacement`: used in turn, one per replaced address.
    public var ipReplacement: [String]

    public static let defaultEmailReplacement = ["email@example.com", "firstname.lastname@example.org"]
    public static let defaultIPReplacement = ["22.214.171.124", "126.96.36.199", "188.8.131.52", "184.108.40.206",
                                              "220.127.116.11", "18.104.22.168"]

    public init(removeEmails: Bool = true, removeIps: Bool = true, onlyRemovePublicIps: Bool = true,
                emailReplacement: [String] = PIIFormatterConfig.defaultEmailReplacement,
                ipReplacement: [String] = PIIFormatterConfig.defaultIPReplacement) {
        self.removeEmails = removeEmails
        self.removeIps = removeIps
        self.onlyRemovePublicIps = onlyRemovePublicIps
        self.emailReplacement = emailReplacement
        self.ipReplacement = ipReplacement
    }
}

/// datatrove's `PIIFormatter`: replaces e-mail addresses, then IPv4 addresses, exactly where
/// datatrove's two regular expressions (`re.sub`, leftmost match first, no overlap) find them; the
/// expressions are hand-written scanners here. It rewrites and always keeps.
///
/// - E-mail: `\b` (Python's Unicode word boundary), a local part of `[A-Za-z0-9!#$%&'*+/=?^_\`{|}~-]`
///   runs joined by single dots, `@`, then dot-separated host labels (`[A-Za-z0-9]`, inner `-`) with at
///   least two labels, or a bracketed IPv4 literal `[1.2.3.4]`.
/// - IPv4: four dot-separated octets of the regex (0-255, leading zeros allowed by the regex, so
///   "1.2.3.256" matches "1.2.3.25"), anywhere (no word boundary). A match is replaced only if
///   `ipaddress.ip_address` accepts it (no leading zeros) and, with `onlyRemovePublicIps`, it is
///   `is_global` by Python 3.11.7's tables; a rejected match is kept and still consumed.
///
/// Replacements cycle through the configured lists, one list position per replaced address, and, as
/// in datatrove (whose counters live in the formatter object, one per task's process), the positions
/// run on from one document to the next: an instance's positions are its task's. The filter stage asks
/// each task for fresh instances (`forTask()`), so a task's output depends only on its own documents
/// and their order, as datatrove's does. An empty list leaves matches as they are (datatrove raises
/// `IndexError`).
public struct PIIFormatter: DocumentFilter {
    public let name = "pii"
    public let config: PIIFormatterConfig
    private let emailReplacements: [[UInt8]]
    private let ipReplacements: [[UInt8]]
    /// The next e-mail and IP replacement to use (datatrove's two `_replace_i`).
    private let cursor = PIIReplacementCursor()

    public init(config: PIIFormatterConfig = PIIFormatterConfig()) {
        self.config = config
        self.emailReplacements = config.emailReplacement.map { Array($0.utf8) }
        self.ipReplacements = config.ipReplacement.map { Array($0.utf8) }
    }

    /// The same settings, with the replacement cycles back at their start.
    public func forTask() -> any DocumentFilter { PIIFormatter(config: config) }

    public func apply(to text: inout String) -> FilterDecision {
        text = format(text)
        return .keep
    }

    /// datatrove's `format(text)`: moves this instance's replacement cycles on.
    public func format(_ text: String) -> String {
        cursor.next.withLock { next in
            var current = text
            if config.removeEmails && !emailReplacements.isEmpty,
               let replaced = C4Text.withBytes(current, { PIIEmail.replace($0, with: emailReplacements, next: &next.email) }) {
                current = String(decoding: replaced, as: UTF8.self)
            }
            if config.removeIps && !ipReplacements.isEmpty,
               let replaced = C4Text.withBytes(current, {
                   PIIIPv4.replace($0, with: ipReplacements, publicOnly: config.onlyRemovePublicIps, next: &next.ip)
               }) {
                current = String(decoding: replaced, as: UTF8.self)
            }
            return current
        }
    }
}

/// Where a formatter's two replacement cycles stand; a class, so that copies of a formatter share it
/// as references to one Python object share its counters.
final class PIIReplacementCursor: Sendable {
    let next = Mutex<(email: Int, ip: Int)>((0, 0))
}

/// The e-mail expression of datatrove's PII formatter, as a scanner over UTF-8 bytes.
enum PIIEmail {
    /// `[A-Za-z0-9!#$%&'*+/=?^_\`{|}~-]`: the local-part characters (no dot).
    @inline(__always)
    static func isLocal(_ x: UInt8) -> Bool {
        switch x {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2F, 0x3D, 0x3F, 0x5E, 0x5F, 0x60,
             0x7B, 0x7C, 0x7D, 0x7E: return true
        default: return false
        }
    }

    /// `[A-Za-z0-9]`.
    @inline(__always)
    static func isAlnum(_ x: UInt8) -> Bool {
        (x >= 0x30 && x <= 0x39) || (x >= 0x41 && x <= 0x5A) || (x >= 0x61 && x <= 0x7A)
    }

    /// `[A-Za-z0-9-]`.
    @inline(__always)
    static func isHostChar(_ x: UInt8) -> Bool { isAlnum(x) || x == 0x2D }

    /// Python's `\w` for one scalar: `str.isalnum()` or `_`.
    @inline(__always)
    static func isWord(_ c: UInt32) -> Bool {
        if c < 0x80 {
            let x = UInt8(c)
            return isAlnum(x) || x == 0x5F
        }
        guard let scalar = Unicode.Scalar(c) else { return false }
        return PythonText.isAlpha(scalar) || scalar.properties.numericType != nil
    }

    /// `re.sub(EMAIL, replacement, text)`: the new bytes, or nil when nothing matched.
    /// `next` is the index in `replacements` of the next one to use; it moves on by one per match.
    static func replace(_ b: UnsafeBufferPointer<UInt8>, with replacements: [[UInt8]], next: inout Int) -> [UInt8]? {
        var out: [UInt8] = []
        var replaced = false
        var copied = 0
        var scan = 0  // matches so far end here; the next one starts at or after it
        let n = b.count
        var at = 0
        while at < n {
            // Only an `@` can anchor a match: jump to the next one.
            guard let base = b.baseAddress, let hit = memchr(base + at, 0x40, n - at) else { break }
            at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            defer { at += 1 }
            // The local part ends right before this `@`; find its leftmost possible start.
            guard at > scan, isLocal(b[at - 1]) else { continue }
            var lo = scan
            var j = at - 1
            while j >= scan {
                let x = b[j]
                if isLocal(x) {
                    j -= 1
                } else if x == 0x2E {
                    if b[j + 1] == 0x2E {  // ".." cannot be inside a local part
                        lo = j + 2
                        break
                    }
                    j -= 1
                } else {
                    lo = j + 1
                    break
                }
            }
            var start = -1
            var s = lo
            while s < at {
                if isLocal(b[s]) && boundary(b, s) {
                    start = s
                    break
                }
                s += 1
            }
            guard start >= 0, let end = domainEnd(b, at + 1) else { continue }
            if !replaced { out.reserveCapacity(n + 64) }
            replaced = true
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<start]))
            out.append(contentsOf: replacements[next])
            next = (next + 1) % replacements.count
            copied = end
            scan = end
            at = end - 1  // (+1 by the defer)
        }
        guard replaced else { return nil }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<n]))
        return out
    }

    /// `\b` before the ASCII byte at `s`.
    @inline(__always)
    private static func boundary(_ b: UnsafeBufferPointer<UInt8>, _ s: Int) -> Bool {
        let here = isWord(UInt32(b[s]))
        let before = s > 0 && isWord(C4Text.decode(b, before: s).scalar)
        return here != before
    }

    /// The end of the domain part starting at `d` (right after the `@`), or nil:
    /// `(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?`, else
    /// the bracketed address literal.
    static func domainEnd(_ b: UnsafeBufferPointer<UInt8>, _ d: Int) -> Int? {
        let n = b.count
        var p = d
        var labels = 0
        var lastLabelEnd = -1
        // Greedy "label." repetitions; a label is a maximal [A-Za-z0-9-] run starting and ending alnum.
        while p < n && isAlnum(b[p]) {
            var q = p + 1
            while q < n && isHostChar(b[q]) { q += 1 }
            guard q < n && b[q] == 0x2E && isAlnum(b[q - 1]) else { break }
            labels += 1
            lastLabelEnd = q
            p = q + 1
        }
        if labels >= 1 && p < n && isAlnum(b[p]) {
            // The final label: the longest [A-Za-z0-9-] run from p that ends alnum.
            var q = p + 1
            var e = p + 1
            while q < n && isHostChar(b[q]) {
                q += 1
                if isAlnum(b[q - 1]) { e = q }
            }
            return e
        }
        // Backtrack one repetition: the last "label." becomes the final label.
        if labels >= 2 { return lastLabelEnd }
        if d < n && b[d] == 0x5B { return bracketEnd(b, d + 1) }
        return nil
    }

    /// `(?:(?:OCTET)\.){3}(?:OCTET|[A-Za-z0-9-]*[A-Za-z0-9]:)]` after the `[`.
    private static func bracketEnd(_ b: UnsafeBufferPointer<UInt8>, _ p: Int) -> Int? {
        func rest(_ p: Int, _ k: Int) -> Int? {
            if k < 3 {
                for t in 0..<6 {
                    let length = PIIIPv4.octetLength(b, p, try: t)
                    if length > 0 && p + length < b.count && b[p + length] == 0x2E, let end = rest(p + length + 1, k + 1) {
                        return end
                    }
                }
                return nil
            }
            for t in 0..<6 {
                let length = PIIIPv4.octetLength(b, p, try: t)
                if length > 0 && p + length < b.count && b[p + length] == 0x5D { return p + length + 1 }
            }
            var q = p
            while q < b.count && isHostChar(b[q]) { q += 1 }
            if q > p && isAlnum(b[q - 1]) && q + 1 < b.count && b[q] == 0x3A && b[q + 1] == 0x5D { return q + 2 }
            return nil
        }
        return rest(p, 0)
    }
}

/// The IPv4 expression of datatrove's PII formatter and its `ipaddress` check.
enum PIIIPv4 {
    /// The length of the octet `25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?` at `p` on the regex engine's
    /// `k`-th try (k = 0..<6: the three alternatives, the last with `[01]?` and `[0-9]?` taken, then
    /// given back), or 0 when that try fails.
    @inline(__always)
    static func octetLength(_ b: UnsafeBufferPointer<UInt8>, _ p: Int, try k: Int) -> Int {
        let n = b.count
        @inline(__always) func digit(_ i: Int) -> Bool { i < n && b[i] &- 0x30 < 10 }
        @inline(__always) func byte(_ i: Int) -> UInt8 { i < n ? b[i] : 0 }
        switch k {
        case 0: return byte(p) == 0x32 && byte(p + 1) == 0x35 && byte(p + 2) &- 0x30 < 6 ? 3 : 0
        case 1: return byte(p) == 0x32 && byte(p + 1) &- 0x30 < 5 && digit(p + 2) ? 3 : 0
        case 2: return byte(p) &- 0x30 < 2 && digit(p + 1) && digit(p + 2) ? 3 : 0
        case 3: return byte(p) &- 0x30 < 2 && digit(p + 1) ? 2 : 0
        case 4: return digit(p) && digit(p + 1) ? 2 : 0
        default: return digit(p) ? 1 : 0
        }
    }

    /// The end of the address starting at `p`, or nil.
    static func match(_ b: UnsafeBufferPointer<UInt8>, _ p: Int) -> Int? {
        func rest(_ p: Int, _ octet: Int) -> Int? {
            for k in 0..<6 {
                let length = octetLength(b, p, try: k)
                if length == 0 { continue }
                if octet == 3 { return p + length }
                if p + length < b.count && b[p + length] == 0x2E, let end = rest(p + length + 1, octet + 1) {
                    return end
                }
            }
            return nil
        }
        return rest(p, 0)
    }

    /// `public_ip_validator`: `ipaddress.ip_address(text)` parses (no octet with a leading zero) and,
    /// when `publicOnly`, the address `is_global`.
    static func validate(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, publicOnly: Bool) -> Bool {
        var octets: [UInt32] = []
        var value: UInt32 = 0
        var digits = 0
        var leadingZero = false
        for i in start...end {
            if i == end || b[i] == 0x2E {
                if digits > 1 && leadingZero { return false }
                octets.append(value)
                value = 0
                digits = 0
                continue
            }
            if digits == 0 { leadingZero = b[i] == 0x30 }
            value = value * 10 + UInt32(b[i] - 0x30)
            digits += 1
        }
        guard octets.count == 4 else { return false }
        return !publicOnly || isGlobal(octets[0] << 24 | octets[1] << 16 | octets[2] << 8 | octets[3])
    }

    /// Python 3.11.7's `IPv4Address.is_global`: outside 100.64.0.0/10 and every `_private_networks` entry.
    static func isGlobal(_ address: UInt32) -> Bool {
        for (network, bits) in nonGlobal {
            let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << (32 - bits)
            if address & mask == network { return false }
        }
        return true
    }

    private static let nonGlobal: [(UInt32, UInt32)] = [
        (0x6440_0000, 10),  // 100.64.0.0/10 (shared address space)
        (0x0000_0000, 8), (0x0A00_0000, 8), (0x7F00_0000, 8), (0xA9FE_0000, 16), (0xAC10_0000, 12),
        (0xC000_0000, 29), (0xC000_00AA, 31), (0xC000_0200, 24), (0xC0A8_0000, 16), (0xC612_0000, 15),
        (0xC633_6400, 24), (0xCB00_7100, 24), (0xF000_0000, 4), (0xFFFF_FFFF, 32),
    ]

    /// `re.sub(IPV4, replace_if_valid, text)`: the new bytes, or nil when nothing was replaced.
    /// `next` is the index in `replacements` of the next one to use; it moves on by one per replaced match.
    static func replace(_ b: UnsafeBufferPointer<UInt8>, with replacements: [[UInt8]], publicOnly: Bool,
                        next: inout Int) -> [UInt8]? {
        var out: [UInt8] = []
        var copied = 0
        var replaced = false
        let n = b.count
        var p = 0
        while p + 1 < n, let base = b.baseAddress {
            // An address starts with a digit and has a dot within its first four bytes: with d the first
            // dot after p, only p ..< d at most 3 before it can start one. Jump from dot to dot.
            guard let hit = memchr(base + p + 1, 0x2E, n - p - 1) else { break }
            let dot = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            var candidate = max(p, dot - 3)
            var found: (start: Int, end: Int)?
            while candidate < dot {
                if b[candidate] &- 0x30 < 10, let end = match(b, candidate) {
                    found = (candidate, end)
                    break
                }
                candidate += 1
            }
            guard let (start, end) = found else {
                p = dot + 1
                continue
            }
            p = start
            if validate(b, p, end, publicOnly: publicOnly) {
                if !replaced { out.reserveCapacity(n + 32) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<p]))
                out.append(contentsOf: replacements[next])
                next = (next + 1) % replacements.count
                copied = end
                replaced = true
            }
            p = end  // an invalid match is kept, but consumed
        }
        guard replaced else { return nil }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[copied..<n]))
        return out
    }
}
