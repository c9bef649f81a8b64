#!/usr/bin/env python3
"""Write Tests/CurationTests/Fixtures/spacy-tokenizer-golden.json: datatrove's English words for texts.

    . ~/.cache/plm-peers/dt/bin/activate
    python Benchmarks/datatrove/make_tokenizer_golden.py              # writes the fixture next to the tests
    python Benchmarks/datatrove/make_tokenizer_golden.py -o FILE [--fuzz N] [--real N]
    python Benchmarks/datatrove/make_tokenizer_golden.py --speed      # spaCy's own throughput on the real part

Each record holds `words = SpaCyTokenizer("en").word_tokenize(text)` (datatrove 0.10.1, spaCy 3.8: the
tokens of `spacy.blank("en")`, stripped, empty ones dropped). The tokenizer is warmed up first with a
text holding "IS_ALPHA", so that every record sees datatrove's steady-state behaviour (after its first
failure on that token, spaCy fails on it every time and datatrove retokenizes without it).

Records, by "kind":
  edge  hand-written cases: contractions, abbreviations, URLs, numbers with units, quotes, emoticons...
  real  paragraphs sampled deterministically (seeded) from this machine's files:
        /usr/share/common-licenses/*, /usr/share/doc/*/changelog.Debian.gz (gunzipped),
        /usr/share/doc/*/README*, and docstrings of /usr/lib/python3.11/*.py
  fuzz  seeded random strings over letters, digits, punctuation, quotes, units and emoticon pieces,
        which exercise the prefix/suffix/infix/exception interplay far from prose.
"""
import argparse
import ast
import gzip
import json
import platform
import random
import re
import time
import unicodedata
from importlib.metadata import version
from pathlib import Path

from datatrove.utils.word_tokenizers import SpaCyTokenizer
from golden_json import json_string

DEFAULT_OUTPUT = Path(__file__).resolve().parents[2] / "Tests/CurationTests/Fixtures/spacy-tokenizer-golden.json"

EDGE = [
    # Contractions and case variants (exceptions are case-sensitive).
    ("can't", "I can't go."), ("Can't", "Can't stop."), ("CAN'T", "CAN'T STOP"), ("cannot", "You cannot."),
    ("Cannot", "Cannot be."), ("CANNOT", "CANNOT BE"), ("cAnNoT", "cAnNoT mixed"), ("won't", "It won't work; won’t."),
    ("don't", "don't Don't DON'T dont"), ("y'all", "y'all Y'all y’all yall"), ("gonna", "gonna Gonna GONNA gotta wanna"),
    ("'s", "John's dog's 's 'S ’s Mary’s"), ("o'clock", "at 5 o'clock o’clock O'clock"), ("it's", "it's It's IT'S its"),
    ("let's", "let's Let's let’s LET'S"), ("shouldn't've", "shouldn't've Shouldn’t’ve"), ("i'm", "I'm i'm I’m IM Im"),
    ("we'd", "we'd we'll we're we've"), ("ain't", "ain't Ain't aint"), ("'cause", "'cause 'Cause ’cause"),
    ("nothin'", "nothin' goin' somethin’"), ("'em", "get 'em ’em"), ("dunno", "dunno Dunno lemme gimme"),
    ("quoted contraction", "\"can't\" ('cannot') [don't]"), ("contraction+punct", "can't. can't, can't! can't?"),
    # Abbreviations.
    ("U.S.", "The U.S. and U.K. economies."), ("e.g.", "e.g. i.e. E.g. I.e. etc."), ("Dr.", "Dr. Smith, Mr. Jones, Mrs. Lee, Ms. Wu"),
    ("a.m.", "at 10 a.m. or 10a.m. or 3p.m. or 5pm"), ("Jan.", "Jan. Feb. Sept. Dec. Mon."), ("Ph.D.", "Ph.D. M.D. B.Sc."),
    ("Inc.", "Apple Inc. Acme Corp. Foo Ltd. Bar Co."), ("states", "Calif. Mass. N.Y. Wash. D.C."),
    ("single letters", "a. b. x. A. B. Z."), ("vs.", "cats vs. dogs v. v.s."), ("St.", "St. Louis Mt. Fuji"),
    ("abbr end", "He lives in the U.S."), ("No.", "No. 5 no. 6 Nos. 7"), ("A.B.C", "A.B.C A.B.C. a.b.c a.b.c."),
    # URLs and e-mails.
    ("http url", "See https://example.com/path?q=1&r=2#frag for more."),
    ("www url", "Visit www.example.org/docs/index.html today."), ("bare domain", "google.com example.co.uk foo.bar"),
    ("url in parens", "(see http://foo.org/a/b)"), ("url trailing dot", "Go to https://python.org."),
    ("email", "Mail me at john.doe@example.com or jane@mail.example.org."), ("mailto", "mailto:someone@example.com"),
    ("ftp", "ftp://ftp.debian.org/debian/pool/main/"), ("ip url", "http://192.168.0.1/admin and http://8.8.8.8:53/x"),
    ("ip private", "10.0.0.1 127.0.0.1 172.16.0.1 169.254.1.1 1.2.3.4"), ("port", "localhost:8080 example.com:443/path"),
    ("url upper tld", "Example.COM WWW.EXAMPLE.COM/PATH"), ("url with user", "https://user:pass@host.example.net/x"),
    ("file path", "/usr/share/doc/README.md and C:/Windows/System32"), ("url unicode", "http://müller.de/straße café.fr"),
    ("scheme only", "git+ssh://git@github.com/org/repo.git"), ("url query", "example.com/?a=b,c=d"),
    # Numbers with units and currency.
    ("10km", "10km 5kg 3m 2cm 100mph 20GB 4TB 1.5MB"), ("$3.50", "$3.50 US$5 C$10 €20 £3 ¥100 5€ 10$"),
    ("5%", "5% 10.5% 100%."), ("3.14", "pi is 3.14, e is 2.718."), ("1,000", "1,000 10,000,000 1.000,50"),
    ("10-20", "10-20 pages 1990-1995 3-4pm"), ("2nd", "1st 2nd 3rd 4th 21st"), ("math", "2+2=4 3*4 5^2 10/2 7-3"),
    ("temperature", "It is 20°C. or 68°F. or 5 °C or 300K."), ("phone", "+1 555-123-4567 (555) 123-4567"),
    ("dates", "2024-01-15 15/01/2024 01.02.2024"), ("times", "12:30 9:45pm 23:59:59"), ("fractions", "1/2 3/4 ½ ¾"),
    ("versions", "v1.2.3 Python3.11 python-3.11.7 1.0-rc1"), ("plus sign", "+5 +abc a+b C++ c++ 1+ +"),
    ("units after space", "10 km 5 kg"), ("m/s", "30m/s 100km/h 5kmh"), ("number dot", "Chapter 5. Section 3.2."),
    # Hyphenated words, dashes.
    ("hyphen", "state-of-the-art well-known co-operate"), ("en dash", "pages 10–20 and A–Z and word–word"),
    ("em dash", "wait—what? yes — no——maybe"), ("double hyphen", "word--word word---word -- ---"),
    ("tilde", "approx~5 a~b ~home"), ("trailing hyphen", "pre- and post-war -leading trailing-"),
    ("hyphen digits", "COVID-19 B-52 x-1 1-x"),
    # Quotes of every kind.
    ("double quotes", "\"Hello,\" she said. \"Bye.\""), ("single quotes", "'Hello,' she said. 'Bye.'"),
    ("curly quotes", "“Hello,” she said. ‘Bye.’"), ("guillemets", "«Bonjour» »Hallo« ‹x›"),
    ("cjk quotes", "「こんにちは」『世界』【注意】《书名》"), ("backtick", "`code` ``latex'' ´acute´"),
    ("low quotes", "„Anführung“ ‚single‘"), ("nested quotes", "\"'nested'\" '\"both\"'"),
    ("quote dot", "end.\" end.' end.” end.’"), ("apostrophe plural", "the '90s and 80's"),
    # Ellipses.
    ("ellipsis dots", "Wait... what.... no.."), ("ellipsis char", "Wait… what……"), ("ellipsis mid", "word...word a..b x…y"),
    ("ellipsis start", "...and then ..so"), ("dots only", ". .. ... ...."),
    # Brackets and other punctuation.
    ("brackets", "(a) [b] {c} <d> (nested (parens))"), ("punct cluster", "Really?!? Yes!!! No?? (!)"),
    ("semicolon colon", "a;b a:b a; b a: b word:Word"), ("comma between letters", "a,b 1,2 a, b word,word"),
    ("hash at", "#hashtag @mention #1 a#b a@b"), ("ampersand", "AT&T R&D & more &amp;"), ("asterisk", "*bold* **x** a*b"),
    ("underscore", "snake_case _private __dunder__"), ("slash", "and/or w/o either/or/neither 1/2/3"),
    ("backslash", "C:\\path\\to a\\b \\n \\t"), ("equals", "a=b x==y key=value =start"), ("percent", "%d %s 50%off"),
    ("section", "§ 5 §§ 1-3 §5"), ("pipe", "a|b | c ||"), ("lt gt", "a<b a>b <3 </3 ->"),
    # Emoji and emoticons.
    ("emoticons", ":) :( ;) :D :-) :P <3 ^_^ -_- o.O"), ("emoticon attached", "great:) sad:( ok;)"),
    ("emoji", "I ❤ you 😀 👍🏽 🇺🇸 ☺ ✔"), ("emoji attached", "hello😀world fire🔥 ★rated"),
    ("kaomoji", "(╯°□°）╯︵┻━┻ ಠ_ಠ ¯\\_(ツ)_/¯"), ("symbols", "© 2024 ® ™ ° ± × ÷ → ←"),
    # Scripts.
    ("cjk", "中文测试。日本語のテキスト、韓国語は한국어입니다。"), ("cjk mixed", "Python是一种编程语言。Use它!"),
    ("arabic", "مرحبا بالعالم! هذا نص عربي، مع علامات ترقيم؟"), ("hebrew", "שלום עולם! זהו טקסט בעברית."),
    ("cyrillic", "Привет, мир! Это тест... Да-да."), ("greek", "Γειά σου Κόσμε! Αυτό είναι ένα τεστ."),
    ("devanagari", "नमस्ते दुनिया। यह परीक्षण है।"), ("thai", "สวัสดีชาวโลก นี่คือการทดสอบ"),
    ("accents", "café naïve résumé Zürich São Paulo Ærø"), ("combining", "cafe\u0301 nai\u0308ve e\u0301."),
    ("fullwidth", "ＡＢＣ　ｄｅｆ！１２３"), ("turkish", "İstanbul ışık Ğ ğ"),
    # Whitespace.
    ("tabs", "a\tb\t\tc"), ("newlines", "line one\nline two\n\nline four\n"), ("nbsp", "a\u00a0b 10\u00a0km"),
    ("multiple spaces", "a  b   c    d"), ("leading trailing", "   padded text   "), ("crlf", "one\r\ntwo\r\n"),
    ("other spaces", "a\u2003b\u2009c\u3000d\u202fe\u200bf"), ("space punct", "word , word . word"),
    ("only spaces", "   "), ("only newline", "\n"), ("empty", ""), ("space after punct", "end. Start"),
    ("vertical tab", "a\x0bb\x0cc\x1cd\x85e"),
    # Mixed and tricky.
    ("IS_ALPHA", "the IS_ALPHA flag and IS_ALPHAS"), ("possessive plural", "the students' books"),
    ("acronym dot", "NASA. FBI. IBM."), ("upper upper dot", "the AB. and ABC. and aB."),
    ("lower dot upper", "end.Start one.Two e.G"), ("quote dot upper", "'a'.'B'"),
    ("digits dot", "v2. 3. 42."), ("code", "print(\"hello\") foo.bar() x[0] {a: 1}"),
    ("markdown", "# Title\n## Sub\n* item\n- item\n1. first"), ("html", "<p>Hello <b>world</b></p> &nbsp;"),
    ("json", "{\"key\": [1, 2.5, \"x\"], \"b\": null}"), ("long word", "Pneumonoultramicroscopicsilicovolcanoconiosis"),
    ("long number", "3.14159265358979323846264338327950288"), ("repeated punct", "!!!!!!!!!! ?????? ,,,,,"),
    ("degree", "45° 45°C 45°c. 90°K."), ("currency after", "100$ 50£ 20€."), ("version dots", "1.2.3. and 1.2.3"),
    ("mixed case exc", "Gonna GONna gONNA"), ("split brackets", "(can't) [won't] {gonna}"),
    ("matcher across", "x:) x :) :-) :-)) foo:-)"), ("matcher 10am", "10a.m. (10a.m.) 10 a.m."),
    ("matcher quotes", "''quoted'' ’’x’’ ''"), ("matcher prefix", ":)x fopen(): f():"),
    # "( :)x": "(" ":" match a pattern across the space and, kept first, block the ":" ")" of ":)".
    ("matcher blocked", "( :)x"), ("matcher gap", "(\t:)x (  :)x"), ("and/or", "and/or And/Or w/o"),
    ("copyright line", "Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>"),
    ("debian changelog", "  * New upstream release (Closes: #123456).\n -- Jane <jane@debian.org>  Mon, 01 Jan 2024"),
]

FUZZ_ALPHABET = (
    list("abcxyzABCXYZ0123456789") * 3
    + list(".,;:!?'\"()[]{}<>-–—~+*^=/\\#@&%$€£°²_|…’‘“”«»")
    + ["'s", "n't", "...", "km", "U.S.", "e.g.", ":)", "http://", "www.", ".com", "US$", "C$", "a.m.", "°C", "'", "’",
       " ", " ", " ", "\n", "\t", "😀", "中", "é", "ß", "Ж", "ω", "-", "--", "can", "not", "Dr", "10", "1"]
)


def fuzz_texts(n, seed=1234, max_pieces=12):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        k = rng.randint(1, max_pieces)
        out.append("".join(rng.choice(FUZZ_ALPHABET) for _ in range(k)))
    return out


def paragraphs_of(text):
    for para in re.split(r"\n\s*\n", text):
        para = para.strip("\n")
        if 120 <= len(para) <= 900 and len(para.split()) >= 15:
            yield para


def docstrings(path):
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield doc


def real_paragraphs(n, seed=20240601):
    """n paragraphs, a quarter from each source, sampled with a fixed seed from sorted file lists."""
    rng = random.Random(seed)
    sources = {}

    def collect(name, files, reader):
        paras = []
        for f in files:
            try:
                text = reader(f)
            except (OSError, UnicodeDecodeError, EOFError):
                continue
            paras.extend((f"{name}:{f}", p) for p in paragraphs_of(text))
        sources[name] = paras

    licenses = sorted(p for p in Path("/usr/share/common-licenses").iterdir() if p.is_file())
    collect("license", licenses, lambda f: f.read_text(encoding="utf-8"))
    changelogs = sorted(Path("/usr/share/doc").glob("*/changelog.Debian.gz"))
    collect("changelog", changelogs, lambda f: gzip.decompress(f.read_bytes()).decode("utf-8"))
    readmes = sorted(p for p in Path("/usr/share/doc").glob("*/README*") if p.is_file())

    def read_readme(f):
        data = f.read_bytes()
        return (gzip.decompress(data) if f.suffix == ".gz" else data).decode("utf-8")

    collect("readme", readmes, read_readme)
    pyfiles = sorted(Path("/usr/lib/python3.11").glob("*.py"))
    docs = []
    for f in pyfiles:
        docs.extend((f"docstring:{f}", p) for d in docstrings(f) for p in paragraphs_of(d))
    sources["docstring"] = docs

    out = []
    per = n // len(sources)
    for name in sorted(sources):
        pool = sorted(set(sources[name]))
        picks = rng.sample(pool, min(per, len(pool)))
        out.extend(picks)
    return out


# The readable JSON writer is shared with the other golden scripts.
def record_json(rec) -> str:
    parts = [f'"{k}":' + (json_string(v) if isinstance(v, str) else "[" + ",".join(json_string(w) for w in v) + "]")
             for k, v in rec.items()]
    return "{" + ",".join(parts) + "}"


def make_tokenizer():
    tok = SpaCyTokenizer("en")
    tok.word_tokenize("warm up IS_ALPHA")  # the first failure on IS_ALPHA may not happen; reach steady state
    tok.word_tokenize("warm up IS_ALPHA")
    return tok


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--real", type=int, default=200)
    parser.add_argument("--fuzz", type=int, default=400)
    parser.add_argument("--fuzz-seed", type=int, default=1234)
    parser.add_argument("--fuzz-pieces", type=int, default=12, help="longest fuzz text, in alphabet pieces")
    parser.add_argument("--speed", action="store_true", help="time spaCy on the real paragraphs, write nothing")
    args = parser.parse_args()

    real = real_paragraphs(args.real)
    if args.speed:
        import spacy

        nlp = spacy.blank("en")
        texts = [t for _, t in real]
        size = sum(len(t.encode()) for t in texts)
        dt = make_tokenizer()
        for label, fn in [("spacy.blank('en').tokenizer", lambda t: [x.text for x in nlp.tokenizer(t)]),
                          ("datatrove SpaCyTokenizer.word_tokenize", dt.word_tokenize)]:
            best = float("inf")
            for _ in range(5):
                start = time.perf_counter()
                for _ in range(10):
                    for t in texts:
                        fn(t)
                best = min(best, time.perf_counter() - start)
            print(f"{label}: {10 * size / best / 1e6:.2f} MB/s ({size} bytes x 10 in {best:.3f} s)")
        return

    tok = make_tokenizer()
    records = []
    names = set()
    for name, text in EDGE:
        assert name not in names, name
        names.add(name)
        records.append({"name": name, "kind": "edge", "text": text, "words": tok.word_tokenize(text)})
    for i, (origin, text) in enumerate(real):
        records.append({"name": f"real {i:03d} {origin}", "kind": "real", "text": text,
                        "words": tok.word_tokenize(text)})
    for i, text in enumerate(fuzz_texts(args.fuzz, args.fuzz_seed, args.fuzz_pieces)):
        records.append({"name": f"fuzz {i:03d}", "kind": "fuzz", "text": text, "words": tok.word_tokenize(text)})

    header = {"datatrove": version("datatrove"), "spacy": version("spacy"), "python": platform.python_version()}
    body = ",\n".join(record_json(r) for r in records)
    args.output.write_text('{"header":' + json.dumps(header) + ',\n"records":[\n' + body + "\n]}\n", encoding="utf-8")
    json.loads(args.output.read_text(encoding="utf-8"))  # round-trips
    kinds = {k: sum(r["kind"] == k for r in records) for k in ("edge", "real", "fuzz")}
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes): {kinds}")


if __name__ == "__main__":
    main()
