#!/usr/bin/env python3
"""Generate the Swift tables behind SpacyEnglishTokenizer from spaCy itself.

    . ~/.cache/plm-peers/dt/bin/activate        # spaCy 3.8 as datatrove 0.10.1 uses it
    python Benchmarks/datatrove/make_spacy_tables.py

Writes two files next to the tokenizer:
  Sources/Curation/Filters/SpacyEnglishTables.swift
      Character classes as one interval table (code point -> flag bits), computed by running every code
      point through `re` character classes built from spacy/lang/char_classes.py exactly as spaCy's
      English prefix, suffix, infix and URL patterns spell them; the literal alternatives of the suffix
      pattern (units and currencies after a digit, "'s", "……").
  Sources/Curation/Filters/SpacyEnglishExceptions.swift
      `spacy.blank("en").tokenizer.rules` as ORTH splits, and the token patterns spaCy's special-case
      PhraseMatcher holds (rules containing an affix, tokenized without special cases).

The Swift matchers hard-code the *shape* of spaCy's English prefix/suffix/infix patterns (which
alternative comes first, which lookbehind each has); this script asserts that the installed spaCy still
has that shape and fails loudly if not.
"""
import re
import sys
from pathlib import Path

import spacy
from spacy.lang import char_classes as cc
from spacy.lang.en.punctuation import TOKENIZER_INFIXES
from spacy.lang.punctuation import TOKENIZER_PREFIXES, TOKENIZER_SUFFIXES
from spacy.lang.tokenizer_exceptions import URL_PATTERN
from spacy.symbols import ORTH
from spacy.tokenizer import Tokenizer

ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = ROOT / "Sources/Curation/Filters"
SEP = "\u001f"

# Flag bits; keep in sync with SpacyEnglishTokenizer.swift (SpacyClass).
FLAGS = {
    "space": 1 << 0,       # str.isspace
    "alpha": 1 << 1,       # [ALPHA]
    "lower": 1 << 2,       # [ALPHA_LOWER]
    "upper": 1 << 3,       # [ALPHA_UPPER]
    "quote": 1 << 4,       # [CONCAT_QUOTES]
    "icon": 1 << 5,        # [ICONS]
    "prefix1": 1 << 6,     # a one-character prefix alternative (punct, quote, currency, icon, § % = — –)
    "suffix1": 1 << 7,     # a one-character unconditional suffix alternative (punct, quote, icon, — –)
    "dotAfter": 1 << 8,    # the lookbehind class of the suffix rule (?<=[0-9{al}{e}{p}(?:{q})])\.
    "word": 1 << 9,        # \w (str patterns: alphanumeric or _)
    "decimal": 1 << 10,    # \d (Unicode decimal digit)
    "sufLast": 1 << 11,    # last character of a multi-character or digit-conditional suffix literal
}


def unescape(piece):
    """A regex piece that is a plain literal -> the literal (asserting it is one)."""
    assert not re.search(r"[.^$*+?{}\[\]|()]", re.sub(r"\\.", "", piece)), piece
    lit = re.sub(r"\\(.)", r"\1", piece)
    assert re.fullmatch(piece, lit), piece
    return lit


def check_shapes():
    """Assert the pattern lists have the shape the Swift code hard-codes."""
    icons = "[{}]".format(cc.ICONS)
    # Prefixes: literals, then \+(?![0-9]), \.\.+ and the icon class.
    specials = {r"\+(?![0-9])", r"\.\.+", icons}
    for p in TOKENIZER_PREFIXES:
        if p.strip() and p not in specials:
            unescape(p)
    # Suffixes: literals, \.\.+ and the icon class, then six lookbehind rules.
    for p in TOKENIZER_SUFFIXES[:-6]:
        if p.strip() and p not in (r"\.\.+", icons):
            unescape(p)
    tail = TOKENIZER_SUFFIXES[-6:]
    assert tail[0] == r"(?<=[0-9])\+", tail[0]
    assert tail[1] == r"(?<=°[FfCcKk])\.", tail[1]
    assert tail[2] == r"(?<=[0-9])(?:{c})".format(c=cc.CURRENCY)
    assert tail[3] == r"(?<=[0-9])(?:{u})".format(u=cc.UNITS)
    assert tail[4] == r"(?<=[0-9{al}{e}{p}(?:{q})])\.".format(
        al=cc.ALPHA_LOWER, e=r"%²\-\+", q=cc.CONCAT_QUOTES, p=cc.PUNCT)
    assert tail[5] == r"(?<=[{au}][{au}])\.".format(au=cc.ALPHA_UPPER)
    assert icons in TOKENIZER_SUFFIXES and r"\.\.+" in TOKENIZER_SUFFIXES
    # Infixes (English).
    assert TOKENIZER_INFIXES == [
        r"\.\.+", "…", icons,
        r"(?<=[0-9])[+\-\*^](?=[0-9-])",
        r"(?<=[{al}{q}])\.(?=[{au}{q}])".format(al=cc.ALPHA_LOWER, au=cc.ALPHA_UPPER, q=cc.CONCAT_QUOTES),
        r"(?<=[{a}]),(?=[{a}])".format(a=cc.ALPHA),
        r"(?<=[{a}0-9])(?:{h})(?=[{a}])".format(a=cc.ALPHA, h=cc.HYPHENS),
        r"(?<=[{a}0-9])[:<>=/](?=[{a}])".format(a=cc.ALPHA),
    ], "English infixes changed"
    assert cc.HYPHENS == "-|–|—|--|---|——|~", cc.HYPHENS
    # The live tokenizer uses exactly these lists, and no token_match.
    nlp = spacy.blank("en")
    tok = nlp.tokenizer
    assert tok.token_match is None
    assert tok.prefix_search.__self__.pattern == spacy.util.compile_prefix_regex(TOKENIZER_PREFIXES).pattern
    assert tok.suffix_search.__self__.pattern == spacy.util.compile_suffix_regex(TOKENIZER_SUFFIXES).pattern
    assert tok.infix_finditer.__self__.pattern == spacy.util.compile_infix_regex(TOKENIZER_INFIXES).pattern
    assert tok.url_match.__self__.pattern == "(?u)" + URL_PATTERN
    assert tok.faster_heuristics
    return tok


def prefix_literals():
    """Ordered literal prefix alternatives (multi-character ones are hard-coded in Swift)."""
    icons = "[{}]".format(cc.ICONS)
    out = []
    for p in TOKENIZER_PREFIXES:
        if not p.strip():
            continue
        if p in (r"\+(?![0-9])", r"\.\.+", icons):
            out.append((p, None))
        else:
            out.append((p, unescape(p)))
    return out


def all_codepoints():
    return [c for c in range(0x110000) if not (0xD800 <= c <= 0xDFFF)]


def class_set(pattern, cps, text):
    rx = re.compile(pattern)
    return {ord(m.group()) for m in rx.finditer(text)}


def build_flags():
    cps = all_codepoints()
    text = "".join(map(chr, cps))
    sets = {
        "alpha": class_set("[{}]".format(cc.ALPHA), cps, text),
        "lower": class_set("[{}]".format(cc.ALPHA_LOWER), cps, text),
        "upper": class_set("[{}]".format(cc.ALPHA_UPPER), cps, text),
        "quote": class_set("[{}]".format(cc.CONCAT_QUOTES), cps, text),
        "icon": class_set("[{}]".format(cc.ICONS), cps, text),
        "dotAfter": class_set("[0-9{al}{e}{p}(?:{q})]".format(
            al=cc.ALPHA_LOWER, e=r"%²\-\+", q=cc.CONCAT_QUOTES, p=cc.PUNCT), cps, text),
        "word": class_set(r"\w", cps, text),
        "decimal": class_set(r"\d", cps, text),
        "space": {c for c in cps if chr(c).isspace()},
    }
    # One-character prefix alternatives.
    alternatives = prefix_literals()
    lits = [lit for _, lit in alternatives if lit is not None]
    p1 = set(sets["icon"])
    for lit in lits:
        if len(lit) == 1:
            p1.add(ord(lit))
    # Hard-coded in Swift: '+' (\+(?![0-9])), '.' (\.\.+), US$ C$ A$, "……" (shadowed by "…").
    for lit in lits:
        if len(lit) > 1:
            assert lit in ("……", "US$", "C$", "A$"), lit
    assert ord("…") in p1 and lits.index("…") < lits.index("……")
    for ch in "+.UCA":
        assert ord(ch) not in p1, ch
    sets["prefix1"] = p1
    # Suffix literals.
    icons = "[{}]".format(cc.ICONS)
    s1 = set(sets["icon"])
    multi = []
    for p in TOKENIZER_SUFFIXES[:-6]:
        if not p.strip() or p in (r"\.\.+", icons):
            continue
        lit = unescape(p)
        if len(lit) == 1:
            s1.add(ord(lit))
        else:
            multi.append(lit)
    assert ord(".") not in s1 and ord("+") not in s1
    sets["suffix1"] = s1
    currency = [unescape(p) for p in cc.CURRENCY.split("|")]
    units = cc.UNITS.split("|")
    for u in units:
        assert re.fullmatch(re.escape(u), u) and re.fullmatch("(?:{})".format(cc.UNITS), u), u
    after_digit = sorted(set(currency) | set(units))
    multi = sorted(set(multi))
    sets["sufLast"] = {ord(s[-1]) for s in multi + after_digit}
    # Whitespace runs go through the affix loop too; no affix may start or end with whitespace, so they
    # always stay one (dropped) token. (ALPHA does hold U+3000, harmlessly: it is only ever lookaround.)
    for name in ("prefix1", "suffix1", "icon", "sufLast"):
        assert not any(chr(ch).isspace() for ch in sets[name]), name
    return sets, multi, after_digit


def intervals(sets):
    flag_of = [0] * 0x110000
    for name, s in sets.items():
        bit = FLAGS[name]
        for c in s:
            flag_of[c] |= bit
    starts, values = [], []
    prev = None
    for c in range(0x110000):
        if flag_of[c] != prev:
            starts.append(c)
            values.append(flag_of[c])
            prev = flag_of[c]
    return starts, values


def swift_string(s):
    out = []
    for ch in s:
        o = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif 0x20 <= o < 0x7F:
            out.append(ch)
        else:
            out.append("\\u{%X}" % o)
    return '"' + "".join(out) + '"'


def wrap(items, width=110, indent="        "):
    lines, cur = [], indent
    for it in items:
        piece = it + ", "
        if len(cur) + len(piece) > width and cur.strip():
            lines.append(cur.rstrip())
            cur = indent
        cur += piece
    if cur.strip():
        lines.append(cur.rstrip())
    return "\n".join(lines)


HEADER = """// GENERATED FILE - do not edit. Made by Benchmarks/datatrove/make_spacy_tables.py from spaCy {ver}
// (`. ~/.cache/plm-peers/dt/bin/activate && python Benchmarks/datatrove/make_spacy_tables.py`).
"""


def main():
    tok = check_shapes()
    sets, multi, after_digit = build_flags()
    starts, values = intervals(sets)
    ver = spacy.__version__

    flag_doc = "\n".join("    ///   bit %2d  %s" % (v.bit_length() - 1, k) for k, v in FLAGS.items())
    tables = HEADER.format(ver=ver) + f"""// Character classes: every code point was run through `re` classes built from spacy/lang/char_classes.py
// exactly as the English prefix/suffix/infix/URL patterns spell them; `str.isspace`, `\\w` and `\\d` are
// Python {sys.version.split()[0]}'s.

enum SpacyEnglishTables {{
    /// Flag bits per code point interval: `flagStarts[i]` is the first code point of an interval whose
    /// flags are `flagValues[i]` (the last interval runs to U+10FFFF). Bits:
{flag_doc}
    static let flagStarts: [UInt32] = [
{wrap(["0x%X" % s for s in starts])}
    ]

    static let flagValues: [UInt16] = [
{wrap([str(v) for v in values])}
    ]

    /// Multi-character unconditional suffix literals ("'s", "……", ...).
    static let suffixLiterals: [String] = [
{wrap([swift_string(s) for s in multi])}
    ]

    /// Suffix literals that split only after an ASCII digit: spaCy's CURRENCY and UNITS alternatives.
    static let suffixLiteralsAfterDigit: [String] = [
{wrap([swift_string(s) for s in after_digit])}
    ]
}}
"""
    (OUT_DIR / "SpacyEnglishTables.swift").write_text(tables)

    # Exceptions and the special-case matcher's patterns.
    rules = tok.rules
    nlp = spacy.blank("en")
    bare = Tokenizer(nlp.vocab, rules={}, prefix_search=tok.prefix_search, suffix_search=tok.suffix_search,
                     infix_finditer=tok.infix_finditer, token_match=tok.token_match, url_match=tok.url_match)
    exc = []
    for chunk in sorted(rules):
        pieces = [spec[ORTH] for spec in rules[chunk]]
        assert "".join(pieces) == chunk and all(pieces) and SEP not in chunk
        exc.append(SEP.join(pieces))
    pats = []
    for chunk in sorted(rules):
        if tok.find_prefix(chunk) or tok.find_infix(chunk) or tok.find_suffix(chunk) or " " in chunk:
            toks = [t.text for t in bare(chunk)]
            if len(toks) < 2:
                # A one-token match replaces the token by itself: the rule must be a single piece.
                assert len(rules[chunk]) == 1 and toks == [chunk], chunk
                continue
            assert "".join(toks) == chunk, chunk
            pats.append(SEP.join(toks))
    exceptions = HEADER.format(ver=ver) + f"""// Tokenizer exceptions of `spacy.blank("en")`: `nlp.tokenizer.rules`, the ORTH of each sub-token.

enum SpacyEnglishExceptions {{
    /// One rule per entry: its sub-tokens joined by U+001F (the rule's text is their concatenation).
    /// Case-sensitive, as in spaCy.
    static let rules: [String] = [
{wrap([swift_string(s) for s in exc])}
    ]

    /// The patterns of spaCy's special-case PhraseMatcher with more than one token: rules that contain
    /// a prefix, suffix or infix, as the tokenizer splits them without special cases (tokens joined by
    /// U+001F). A run of doc tokens equal to a pattern and adjacent in the text becomes the rule's tokens.
    static let matcherPatterns: [String] = [
{wrap([swift_string(s) for s in pats])}
    ]
}}
"""
    (OUT_DIR / "SpacyEnglishExceptions.swift").write_text(exceptions)
    print(f"{len(starts)} intervals, {len(exc)} rules, {len(pats)} matcher patterns, "
          f"{len(multi)} suffix literals, {len(after_digit)} after-digit literals")


if __name__ == "__main__":
    main()
