/// A documented `def` or `class` found in a Python file.
struct PythonDefinition: Equatable {
    enum Kind: Equatable { case function, method, `class` }
    var kind: Kind
    /// Dotted path inside the module: "name", "Class.method", "Outer.Inner".
    var qualifiedName: String
    /// The parameter list as written (comments dropped, whitespace collapsed; `self`/`cls` dropped for methods).
    var parameters: String
    /// The docstring's first paragraph, dedented.
    var summary: String
    /// True when the name or an enclosing class's name starts with `_`.
    var isPrivate: Bool
}

/// A line-based reader of Python definitions and their docstrings.
///
/// Limits (it is not a Python parser): nesting comes from indentation alone (tabs count as 8
/// columns); a triple-quoted string is recognised by the delimiters on its first and last lines,
/// so a line holding two strings or a delimiter inside another kind of string can confuse it; a
/// docstring on the same line as its `def` is not seen; functions nested in functions are ignored;
/// decorators and annotations are not interpreted. Misreads only lose or garble a record.
enum PythonDefinitions {
    static func find(in text: String) -> [PythonDefinition] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        var found: [PythonDefinition] = []
        var scopes: [(indent: Int, isClass: Bool, name: String)] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let body = line.drop(while: { $0 == " " || $0 == "\t" })
            if body.isEmpty || body.hasPrefix("#") {
                index += 1
                continue
            }
            let indent = indentation(line)
            while let last = scopes.last, indent <= last.indent { scopes.removeLast() }
            let isDef = body.hasPrefix("def ") || body.hasPrefix("async def ")
            let isClass = body.hasPrefix("class ")
            guard isDef || isClass else {
                index = afterString(lines, from: index)
                continue
            }
            guard let (header, end) = signature(lines, from: index) else {
                index += 1
                continue
            }
            let keyword = isClass ? "class " : "def "
            let afterKeyword = header[header.firstRange(of: keyword)!.upperBound...]
            let name = String(afterKeyword.prefix(while: { $0 != "(" && $0 != ":" && $0 != " " }))
            let enclosing = scopes
            scopes.append((indent, isClass, name))
            index = end + 1
            // Only definitions at module level or directly in classes are API worth asking about.
            guard enclosing.allSatisfy(\.isClass), !name.isEmpty else { continue }
            while index < lines.count, lines[index].allSatisfy({ $0 == " " || $0 == "\t" }) { index += 1 }
            guard index < lines.count, let (docstring, last) = docstring(lines, at: index) else { continue }
            index = last + 1
            let inClass = !enclosing.isEmpty
            var parameters = isClass ? "" : parameterList(header)
            if inClass && !isClass { parameters = withoutReceiver(parameters) }
            found.append(PythonDefinition(
                kind: isClass ? .class : (inClass ? .method : .function),
                qualifiedName: (enclosing.map(\.name) + [name]).joined(separator: "."),
                parameters: parameters,
                summary: firstParagraph(docstring),
                isPrivate: name.hasPrefix("_") || enclosing.contains { $0.name.hasPrefix("_") }))
        }
        return found
    }

    /// Columns of leading whitespace (a tab counts 8).
    static func indentation(_ line: Substring) -> Int {
        var columns = 0
        for character in line {
            if character == " " { columns += 1 } else if character == "\t" { columns += 8 } else { break }
        }
        return columns
    }

    /// The `def`/`class` header from `start` to the line whose `:` closes it (brackets balanced,
    /// strings and comments skipped), joined into one line; nil when it does not close within 60 lines.
    static func signature(_ lines: [Substring], from start: Int) -> (String, Int)? {
        var depth = 0
        var header = ""
        for index in start..<min(lines.count, start + 60) {
            var quote: Character?
            var code = ""
            var escaped = false
            for character in lines[index] {
                if let open = quote {
                    if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == open { quote = nil }
                    code.append(character)
                    continue
                }
                if character == "#" { break }
                if character == "\"" || character == "'" { quote = character }
                if "([{".contains(character) { depth += 1 }
                if ")]}".contains(character) { depth -= 1 }
                code.append(character)
            }
            header += (header.isEmpty ? "" : " ") + code.trimmingWhitespace()
            if depth <= 0 && header.hasSuffix(":") { return (header, index) }
        }
        return nil
    }

    /// The text between the header's first `(` and its matching `)`, whitespace collapsed, a trailing comma dropped.
    static func parameterList(_ header: String) -> String {
        guard let open = header.firstIndex(of: "(") else { return "" }
        var depth = 0
        var inside = ""
        for character in header[open...] {
            if "([{".contains(character) { depth += 1 }
            if ")]}".contains(character) { depth -= 1 }
            if depth == 0 { break }
            inside.append(character)
        }
        var result = inside.dropFirst().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if result.hasSuffix(",") { result.removeLast() }
        return result.replacing("( ", with: "(").replacing(" )", with: ")").replacing("[ ", with: "[").replacing(" ]", with: "]")
    }

    /// A method's parameters without the leading `self` or `cls`.
    static func withoutReceiver(_ parameters: String) -> String {
        for receiver in ["self", "cls"] {
            if parameters == receiver { return "" }
            if parameters.hasPrefix(receiver + ",") { return parameters.dropFirst(receiver.count + 1).trimmingWhitespace() }
        }
        return parameters
    }

    /// The docstring opening on line `index` (a string prefix such as `r` allowed) and the line it ends on.
    static func docstring(_ lines: [Substring], at index: Int) -> (String, Int)? {
        var body = lines[index].drop(while: { $0 == " " || $0 == "\t" })
        body = body.drop(while: { "rRuU".contains($0) })
        guard let delimiter = ["\"\"\"", "'''"].first(where: { body.hasPrefix($0) }) else { return nil }
        var rest = body.dropFirst(3)
        if let close = rest.firstRange(of: delimiter) { return (String(rest[..<close.lowerBound]), index) }
        var text = [String(rest)]
        for next in index + 1..<lines.count {
            rest = lines[next]
            if let close = rest.firstRange(of: delimiter) {
                text.append(String(rest[..<close.lowerBound]))
                return (text.joined(separator: "\n"), next)
            }
            text.append(String(rest))
        }
        return nil
    }

    /// PEP 257's trim (first line stripped, the rest dedented by their common indentation), then
    /// the lines up to the first blank one.
    static func firstParagraph(_ docstring: String) -> String {
        let lines = docstring.split(separator: "\n", omittingEmptySubsequences: false)
        let rest = lines.dropFirst().filter { !$0.allSatisfy(\.isWhitespace) }
        let common = rest.map { indentation($0) }.min() ?? 0
        var trimmed = [lines[0].trimmingWhitespace()]
        for line in lines.dropFirst() {
            trimmed.append(String(line.dropFirst(min(common, line.prefix(while: { $0 == " " || $0 == "\t" }).count)))
                .trimmingTrailingWhitespace())
        }
        let paragraph = trimmed.drop(while: \.isEmpty).prefix(while: { !$0.isEmpty })
        return paragraph.joined(separator: "\n")
    }

    /// The line after a triple-quoted string that opens on `index` and does not close there, else `index + 1`.
    static func afterString(_ lines: [Substring], from index: Int) -> Int {
        let line = lines[index]
        for delimiter in ["\"\"\"", "'''"] {
            let count = line.ranges(of: delimiter).count
            guard count > 0 else { continue }
            guard count % 2 == 1 else { return index + 1 }
            for next in index + 1..<lines.count where lines[next].firstRange(of: delimiter) != nil { return next + 1 }
            return lines.count
        }
        return index + 1
    }
}
