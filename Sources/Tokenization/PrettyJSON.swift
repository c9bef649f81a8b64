/// A JSON value written the way serde_json's pretty printer and Python's `json.dumps(indent=2,
/// ensure_ascii=False)` write it: two-space indents, `"key": value`, members in the order given,
/// `[]` / `{}` when empty, non-ASCII text raw, control characters escaped. Hugging Face's files come
/// out of those two writers, so ours are byte-identical to theirs for the same content.
indirect enum PrettyJSON {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([PrettyJSON])
    case object([(String, PrettyJSON)])

    static func optionalString(_ value: String?) -> PrettyJSON { value.map(PrettyJSON.string) ?? .null }

    var text: String {
        var output = ""
        write(to: &output, indent: 0)
        return output
    }

    private func write(to output: inout String, indent: Int) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .int(let value): output += String(value)
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let items):
            guard !items.isEmpty else { output += "[]"; return }
            output += "[\n"
            for (index, item) in items.enumerated() {
                Self.writeIndent(indent + 1, to: &output)
                item.write(to: &output, indent: indent + 1)
                output += index + 1 < items.count ? ",\n" : "\n"
            }
            Self.writeIndent(indent, to: &output)
            output += "]"
        case .object(let members):
            guard !members.isEmpty else { output += "{}"; return }
            output += "{\n"
            for (index, (key, value)) in members.enumerated() {
                Self.writeIndent(indent + 1, to: &output)
                Self.writeString(key, to: &output)
                output += ": "
                value.write(to: &output, indent: indent + 1)
                output += index + 1 < members.count ? ",\n" : "\n"
            }
            Self.writeIndent(indent, to: &output)
            output += "}"
        }
    }

    private static func writeIndent(_ level: Int, to output: inout String) {
        for _ in 0..<level { output += "  " }
    }

    private static let hexDigits = Array("0123456789abcdef")

    static func writeString(_ value: String, to output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 {
                    output += "\\u00"
                    output.append(hexDigits[Int(scalar.value >> 4)])
                    output.append(hexDigits[Int(scalar.value & 0xF)])
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
