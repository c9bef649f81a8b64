"""The readable JSON writer shared by the golden-file scripts.

Invisible and easily confused characters (controls, format, separators, private use, combining
marks) are written as \\u escapes so the fixtures stay readable and survive editors; everything else is
written as itself. Key order is kept as given, so regenerating a golden gives the same bytes.
"""
import json
import unicodedata

ESCAPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs", "Mn", "Me", "Mc"}


def json_string(value: str) -> str:
    out = ['"']
    for c in value:
        code = ord(c)
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif c == " " or (32 < code < 127):
            out.append(c)
        elif unicodedata.category(c) in ESCAPED_CATEGORIES:
            if code > 0xFFFF:
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
            else:
                out.append(f"\\u{code:04x}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def json_value(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return json_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(json_value(v) for v in value) + "]"
    if isinstance(value, (bool, int, float)):
        return json.dumps(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json_string(k)}:{json_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))
