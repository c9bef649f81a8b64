#!/usr/bin/env python3
"""Write Tests/CurationTests/Fixtures/c4-fineweb-golden.json: datatrove's decisions for the C4 quality,
C4 paragraph and FineWeb quality filters and the PII formatter's output, on boundary texts and on real
documents from this machine.

    . ~/.cache/plm-peers/dt/bin/activate
    python Benchmarks/datatrove/make_c4_fineweb_golden.py            # writes the fixture next to the tests
    python Benchmarks/datatrove/make_c4_fineweb_golden.py -o FILE
    python Benchmarks/datatrove/make_c4_fineweb_golden.py --speed    # datatrove's own throughput instead

Every record has a name, its text (or "text_parts": [[unit, count], ...], the text being the units
repeated and concatenated, for texts too large to store) and datatrove 0.10.1's answers with default
settings:
  c4_quality, c4_paragraph, fineweb_quality   "keep", or "drop:<reason>" ("drop" when datatrove gives
                                              no reason); fineweb_quality with a word tokenizer that
                                              splits like str.split(), which plm must match exactly
  fineweb_quality_spacy                       the same with datatrove's default English (spaCy) words,
                                              for information
  c4_quality_edits, pii_edits                 the rewritten text (c4: only when kept) as edits of the
                                              input: [start, end, replacement] in code points, applied
                                              left to right ([] when unchanged); the PII formatter is
                                              fresh per record, so replacements restart with the first
                                              of each list
  sentences                                   (c4_sentences records) split_into_sentences(last line)
  variants                                    non-default settings: filter, params (constructor
                                              arguments; for c4_paragraph the attributes
                                              min_paragraphs, min_paragraph_len, line_delimiter),
                                              decision, edits (c4_quality when kept, pii)
C4 always counts sentences with datatrove's default English splitter (spaCy's sentencizer).

Real documents: ~300 files sampled deterministically (sha1 of the path) from /usr/share/common-licenses,
/usr/share/doc/*/changelog.Debian.gz (gunzipped), /usr/share/doc/*/README* and the Python 3.11 standard
library, decoded as UTF-8 (invalid bytes replaced), cut at a line end to a per-file cap (most a few
hundred bytes, a few 20 KB) so the file stays small.

Strings are written with ensure_ascii off, except that control, format, separator, private-use and
combining characters are \\u-escaped.
"""
import argparse
import difflib
import glob
import gzip
import hashlib
import json
import os
import platform
import sys
import time
import unicodedata
from pathlib import Path

import datatrove
import spacy
from datatrove.data import Document
from datatrove.pipeline.filters.c4_filters import C4ParagraphFilter, C4QualityFilter
from datatrove.pipeline.filters.fineweb_quality_filter import FineWebQualityFilter
from datatrove.pipeline.formatters.pii import PIIFormatter
from datatrove.utils.text import split_into_sentences
from datatrove.utils.word_tokenizers import WordTokenizer
from golden_json import json_string, json_value

DEFAULT_OUTPUT = Path(__file__).resolve().parents[2] / "Tests/CurationTests/Fixtures/c4-fineweb-golden.json"


class WhitespaceTokenizer(WordTokenizer):
    """datatrove's word-tokenizer protocol, splitting like Python's str.split()."""

    def word_tokenize(self, text):
        return text.split()

    def sent_tokenize(self, text):
        raise NotImplementedError

    def span_tokenize(self, text):
        raise NotImplementedError


WS = WhitespaceTokenizer()

# ---------------------------------------------------------------------------------------------------
# Boundary texts

SENT = [
    "The harbour was quiet in the early morning.",
    "Fishing boats waited for the tide to turn.",
    "A gull watched them from the old stone wall.",
    "Nobody on the quay said a single word.",
    "The lighthouse keeper wrote the weather in his ledger.",
    "Later the wind rose and the clouds came in from the west.",
    "By noon the first drops of rain had reached the town.",
]


def lines(*xs, sep="\n"):
    return sep.join(xs)


def c4_cases():
    good4 = SENT[:4]
    cases = {
        "c4/empty": "",
        "c4/whitespace_only": "  \n\t \u3000\n",
        "c4/five_lines": lines(*SENT[:5]),
        "c4/four_lines": lines(*good4),
        "c4/four_lines_one_with_two_sentences": lines(*SENT[:3], SENT[3] + " " + SENT[4]),
        "c4/one_line_five_sentences": " ".join(SENT[:5]),
        "c4/one_line_four_sentences": " ".join(SENT[:4]),
        "c4/words_2_dropped": lines(*SENT[:5], "Two words."),
        "c4/words_3_kept": lines(*SENT[:4], "Three words here."),
        "c4/words_counted_before_citation_removal": lines(*SENT[:4], "Hello [1] there."),
        "c4/word_1000_kept": lines(*SENT[:4], "A " + "x" * 1000 + " word."),
        "c4/word_1001_dropped": lines(*SENT[:5], "A " + "x" * 1001 + " word."),
        "c4/word_1000_multibyte_kept": lines(*SENT[:4], "A " + "é" * 1000 + " word."),
        "c4/word_1001_multibyte_dropped": lines(*SENT[:5], "A " + "é" * 1001 + " word."),
        "c4/word_combining_marks": lines(*SENT[:4], "A " + "e\u0301" * 500 + " word.", "B " + "e\u0301" * 501 + " word."),
        "c4/terminal_punctuation": lines(
            "This line ends with a period.", "Does this line end with a question?", "This line ends with a bang!",
            'He said "this line ends with a quote"', "She said 'this one too'", "This one ends with a colon:",
            "This one trails off...", "This one trails off more....", "This one has two dots..",
            "This one ends with an ellipsis char\u2026", "This one ends with a CJK stop\u3002",
            "This one ends with a fullwidth bang\uff01", "No punctuation at all here"),
        "c4/trailing_whitespace_stripped": lines(*(s + " \t\u00a0\u3000" for s in SENT[:5])),
        "c4/leading_whitespace_stripped": lines(*("\u2003 " + s for s in SENT[:5])),
        "c4/citations": lines(
            "A fact from the wiki.[1]", "Another fact [12] from it.", "An empty citation [] here.",
            "An edit link [edit] here.", "A citation needed [citation needed] here.", "Capital [Edit] stays here.",
            "Letters [1a] stay here.", "Arabic digits [\u0661\u0662] go too.", "Nested [[1]] brackets here.",
            "After the stop. [2]", "Two [3][4] in a row."),
        "c4/citation_only_line": lines(*SENT[:5], "[1]", "[edit]"),
        "c4/lorem_ipsum": lines(*SENT[:5], "Lorem Ipsum dolor sit amet."),
        "c4/lorem_ipsum_upper": lines(*SENT[:5], "LOREM IPSUM DOLOR SIT AMET."),
        "c4/lorem_ipsum_double_space": lines(*SENT[:5], "Lorem  ipsum dolor sit amet."),
        "c4/lorem_ipsum_unjudged_line": lines(*SENT[:5], "lorem ipsum dolor sit amet"),
        "c4/lorem_ipsum_short_line": lines(*SENT[:5], "Lorem ipsum."),
        "c4/javascript": lines(*SENT[:5], "Please enable JavaScript to view this page."),
        "c4/javascript_and_curly": lines(*SENT[:5], "Use javascript like function() { return 1 }."),
        "c4/curly": lines(*SENT[:5], "A set like {1, 2} is here."),
        "c4/curly_unjudged_line": lines(*SENT[:5], "function f() {", "}"),
        "c4/curly_then_lorem": lines(*SENT[:3], "A set {1, 2} here.", "Lorem ipsum dolor sit amet."),
        "c4/lorem_then_curly": lines(*SENT[:3], "Lorem ipsum dolor sit amet.", "A set {1, 2} here."),
        "c4/policy_phrases": lines(*SENT[:5], "Read our Terms of Use first.", "See the Privacy Policy now.",
                                    "Our cookie policy applies.", "This site uses cookies today.",
                                    "We explain our use of cookies here.", "We use cookies everywhere.",
                                    "We used cookies before.", "The term of use is near."),
        "c4/kelvin_sign_lowercases_to_k": lines(*SENT[:5], "This site uses COO\u212aIES for tracking."),
        "c4/dotted_capital_i": lines(*SENT[:5], "Enable JAVASCR\u0130PT now please."),
        "c4/all_lines_removed": lines("no punctuation", "two words.", "Lorem", "[1]"),
        "c4/splitlines_separators": "\r\n".join(SENT[:2]) + "\r" + SENT[2] + "\x0b" + SENT[3] + "\x0c" + SENT[4]
        + "\x1c" + SENT[5] + "\x1d" + SENT[6] + "\x1e" + SENT[0] + "\x85" + SENT[1] + "\u2028" + SENT[2]
        + "\u2029" + SENT[3] + "\n",
        "c4/not_splitlines_separators": lines(SENT[0] + "\u200b" + SENT[1], SENT[2] + "\x1f" + SENT[3], SENT[4]),
        "c4/rtl_arabic": lines("هذه جملة عربية طويلة نسبيا.", "وهذه جملة أخرى في النص.", "هل هذا سؤال؟",
                               "نهاية النص هنا بالنقطة العربية۔", "جملة خامسة تنتهي بنقطة.",
                               "جملة سادسة تنتهي بنقطة."),
        "c4/rtl_hebrew": lines("זהו משפט ארוך בעברית.", "וזהו משפט נוסף בטקסט.", "האם זו שאלה?",
                               "משפט רביעי בעברית כאן.", "משפט חמישי בעברית כאן."),
        "c4/cjk": lines("这是一个很长的中文句子。", "这是 另一个 句子.", "日本語の 文章 です.", "한국어 문장 입니다.",
                        "更多 的 中文 文本.", "最后 一个 句子 这里."),
        "c4/mixed_scripts_sentences": lines("Mixed text with 中文 and English here. 第二句。 Third one here!",
                                            "Another line here. Yes it is.", "One more line here."),
        "c4/huge_line_many_sentences": None,  # text_parts below
        "c4/huge_word": None,
    }
    return cases


def c4_sentence_cases():
    """Four kept lines plus one tricky line: the decision hangs on how many sentences spaCy finds.
    (No "IS_ALPHA": spaCy's sentence offsets for a text holding that token are garbage that changes
    from call to call, so datatrove's answer is not reproducible.)"""
    tricky = [
        "Mr. Smith went to Washington today.",
        "Dr. Jones and Mrs. Brown met at St. Mary's church.",
        "We arrived at 10 a.m. and left at 5 p.m. on Monday.",
        "The U.S. economy grew, e.g. in the third quarter.",
        "Hello world. (Bye) now.",
        "Visit www.Example.com today or mail info@example.com now.",
        "See http://example.com/Some.Path for more details.",
        "Pi is 3.14 and e is 2.71 roughly.",
        "Wait... what? Yes!",
        "What?! Really?! No way!",
        "It costs $5. Cheap enough.",
        "He wrote hello.World in the code.",
        "The file is named setup.py and runs.",
        "Version 1.2.3 was released. Upgrade now.",
        "Temperature was 20°C. Then it got warm.",
        "Use e.g. this or i.e. that one.",
        "Ph.D. students work hard.",
        "Item one: done. Item two: pending.",
        "She said \"Stop.\" Then she left.",
        "She said 'go.' And they went.",
        "Numbers like 1. and 2. appear here.",
        "A line with an ellipsis\u2026 and more text.",
        "CJK period\u3002 Then English here.",
        "Arabic question\u061f Then more words here.",
        "Devanagari danda\u0964 Then more words here.",
        "Tabs\tand  double  spaces. After them here.",
        "Ends with emoticon :) and text. More here.",
        "I.B.M. and A.T.&T. are companies here.",
        "Quote at end.\" Next sentence here.",
        "Paren at end.) Next sentence here.",
        "A.B. Smith wrote it. Yes.",
        "Jan. 5 is the date. Feb. 6 too.",
        "Sept. 11 was a Tuesday. Calif. is big.",
        "Don't stop. Can't stop. Won't stop.",
        "x.Y and a.B and c.D are split here.",
        "The end!!! Really the end.",
        "Is it?? Maybe.",
        "Sentence one.Sentence two.",
        "Mixed-case domain like Google.Com here.",
        "Email me at John.Doe@Example.COM please.",
    ]
    out = {}
    for i, t in enumerate(tricky):
        out[f"c4_sentences/{i:02d}"] = lines(*SENT[:4], t)
        out[f"c4_sentences/{i:02d}_three_plain"] = lines(*SENT[:3], t)
    return out


def c4_variants():
    """(record name, params) for non-default C4 settings."""
    return [
        ("c4/all_lines_removed", {"min_num_sentences": -1}),
        ("c4/all_lines_removed", {"min_num_sentences": 0}),
        ("c4/four_lines", {"min_num_sentences": 4}),
        ("c4/five_lines", {"min_num_sentences": 6}),
        ("c4/citations", {"remove_citations": False}),
        ("c4/citations", {"min_num_sentences": -1}),
        ("c4/terminal_punctuation", {"filter_no_terminal_punct": False}),
        ("c4/terminal_punctuation", {"min_num_sentences": 1}),
        ("c4/words_2_dropped", {"min_words_per_line": 2}),
        ("c4/word_1001_dropped", {"max_word_length": -1}),
        ("c4/word_1000_kept", {"max_word_length": 999}),
        ("c4/lorem_ipsum", {"filter_lorem_ipsum": False}),
        ("c4/javascript", {"filter_javascript": False}),
        ("c4/curly", {"filter_curly_bracket": False}),
        ("c4/policy_phrases", {"filter_policy": False}),
        ("c4/empty_lines_kept", {"filter_no_terminal_punct": False, "min_words_per_line": -1,
                                 "min_num_sentences": 3}),
        ("c4/five_lines", {"split_paragraph": False}),
        ("c4/four_lines", {"split_paragraph": False}),
        ("c4/one_line_five_sentences", {"split_paragraph": False}),
        ("c4/citations", {"split_paragraph": False, "min_num_sentences": -1}),
        ("c4/mixed_scripts_sentences", {"split_paragraph": False, "min_num_sentences": 1}),
        ("c4/splitlines_separators", {"split_paragraph": False}),
    ]


def paragraph_cases():
    long = "p" * 200
    return {
        "paragraph/three_200": lines(long, long, long),
        "paragraph/one_199": lines(long, long, "p" * 199),
        "paragraph/two_only": lines(long * 3, long * 3),
        "paragraph/three_long_one_short": lines(long, "short", long, long),
        "paragraph/multibyte_200": lines("é" * 200, "中" * 200, "😀" * 200),
        "paragraph/multibyte_199": lines("é" * 200, "中" * 199, "😀" * 200),
        "paragraph/cr_counts": lines("p" * 199 + "\r", "p" * 199 + "\r", "p" * 199 + "\r"),
        "paragraph/many_short_lines": lines(*(["short line"] * 20)),
        "paragraph/crlf_199": "\r\n".join(["p" * 199] * 3),
    }


def paragraph_variants():
    return [
        ("paragraph/two_only", {"min_paragraphs": 2}),
        ("paragraph/one_199", {"min_paragraph_len": 199}),
        ("paragraph/three_long_one_short", {"min_paragraphs": 5}),
        ("paragraph/cr_counts", {"line_delimiter": "\r\n"}),
        ("paragraph/crlf_199", {"line_delimiter": "\r\n"}),
        ("c4/empty", {"min_paragraphs": 1, "min_paragraph_len": 0}),
    ]


def fineweb_cases():
    def body(n, fmt="Line number {i} has several words in it"):
        return [fmt.format(i=i) for i in range(n)]

    def punct(k, n=100):  # k of n lines end with a full stop
        return lines(*(s + ("." if i < k else "") for i, s in enumerate(body(n))))

    def short(k, n=100):  # k of n lines have exactly 30 scalars (short), the others 31
        return lines(*((f"s{i:03d}" + " ab" * 8 + "z.") if i < k else (f"l{i:03d}" + " ab" * 8 + "zz.")
                       for i in range(n)))

    def dup(extra):
        # 196 unique lines of 50 scalars (9800) plus a line of `extra` scalars twice: the repeat is
        # extra / (9800 + 2 * extra) of the text without newlines (exactly 0.01 for extra = 100)
        base = [(f"Sentence {i:04d} is unique and ends here " + "w" * 50)[:49] + "." for i in range(196)]
        return lines(*base, "d" * (extra - 1) + ".", "d" * (extra - 1) + ".")

    def listy(extra_newline):
        # 31 long lines of 3 words plus 7 words: 100 words, 30 (or 31) newlines
        body = [f"alphabetical{i:02d} beginnings{i:02d} considerations{i:02d}." for i in range(31)]
        tail = " a b c d e f g."
        if extra_newline:
            return lines(*body, tail.strip())
        return lines(*body[:-1], body[-1] + tail)

    cases = {
        "fineweb/empty": "",
        "fineweb/blank_lines": "\n \n\t\n\u3000\n",
        "fineweb/punct_12_of_100": punct(12),
        "fineweb/punct_11_of_100": punct(11),
        "fineweb/punct_0_of_100": punct(0),
        "fineweb/punct_space_after_stop": lines(*(s + ". " for s in body(50))),
        "fineweb/punct_crlf": "\r\n".join(s + "." for s in body(50)),
        "fineweb/punct_unicode_terminal": lines(*(s + ("\u3002" if i % 3 == 0 else "\u0964" if i % 3 == 1 else "\u061f")
                                                  for i, s in enumerate(body(50)))),
        "fineweb/short_67_of_100": short(67),
        "fineweb/short_68_of_100": short(68),
        "fineweb/short_multibyte": lines(*("é" * 28 + chr(0x4E00 + i) + "." for i in range(60))),
        "fineweb/list_ratio_30_per_100": listy(False),
        "fineweb/list_ratio_31_per_100": listy(True),
        "fineweb/blank_lines_count_as_newlines": lines(*(f"Line {i} has some words here." for i in range(10))) + "\n" * 30,
    }
    cases["fineweb/dup_chars_edge_a"] = dup(100)
    cases["fineweb/dup_chars_edge_b"] = dup(101)
    cases["fineweb/dup_lines_whitespace_differs"] = lines(*(f"Sentence {i} is unique and ends here." for i in range(50)),
                                                          "same words here.", "same words here. ")
    return cases


def fineweb_variants():
    return [
        ("fineweb/punct_0_of_100", {"line_punct_exclude_zero": True}),
        ("fineweb/punct_11_of_100", {"line_punct_thr": 0.11}),
        ("fineweb/punct_12_of_100", {"stop_chars": ["!"]}),
        ("fineweb/punct_12_of_100", {"stop_chars": ["r 11.", "r 0."]}),
        ("fineweb/short_68_of_100", {"short_line_thr": 0.68}),
        ("fineweb/short_67_of_100", {"short_line_length": 31}),
        ("fineweb/dup_chars_edge_b", {"char_duplicates_ratio": 0.02}),
        ("fineweb/list_ratio_31_per_100", {"new_line_ratio": 0.31}),
    ]


def pii_cases():
    return {
        "pii/emails_basic": "Write to john.doe@example.com or to a@b.co, or user+tag@sub.domain.org today.",
        "pii/emails_cycle": "one@a.com two@b.com three@c.com four@d.com",
        "pii/email_single_label": "root@localhost is not an address here.",
        "pii/email_double_dot": "first..last@x.com and .lead@y.com and trail.@z.com",
        "pii/email_boundaries": "-start@x.com +plus@y.com __init__@z.com x+y@w.com (paren@p.com) <angle@q.com> mailto:m@r.com",
        "pii/email_unicode_local": "jöhn@example.com and joe@exämple.com and 名前@example.com",
        "pii/email_hosts": "a@-bad.com b@bad-.com c@a.b-c.d d@a.b. e@a.b.-c f@a.b g@a.b.c h@a..b i@a-.b.c j@1.2 k@a.bc-",
        "pii/email_bracket_literal": "k@[192.168.0.1] l@[1.2.3.tag:] m@[300.1.1.1] n@[1.2.3] o@[01.02.03.04]",
        "pii/email_then_more_at": "a@b.com@c.com x@y@z.com",
        "pii/email_trailing_punct": "Mail a@b.com. Or c@d.org, or e@f.net; done.",
        "pii/ips_public_private": " ".join([
            "8.8.8.8", "192.168.1.1", "10.0.0.1", "127.0.0.1", "172.16.5.4", "172.32.0.1", "169.254.1.1",
            "100.64.0.1", "100.128.0.1", "0.0.0.0", "255.255.255.255", "224.0.0.1", "240.0.0.1", "192.0.2.1",
            "198.51.100.7", "203.0.113.9", "198.18.0.1", "198.20.0.1", "192.0.0.8", "192.0.0.9", "192.0.0.170",
            "192.0.0.171", "192.0.0.172", "1.1.1.1"]),
        "pii/ips_edges": "08.8.8.8 1.2.3.256 1234.5.6.7 1.2.3.4.5 v1.2.3.4 3.11.7.1 999.1.1.1 1.2.3 00.1.2.3 "
                         "1.02.3.4 250.251.252.253 249.1.1.1 199.099.1.1 7.7.7.7x",
        "pii/ips_adjacent": "1.1.1.12.2.2.2 8.8.8.8,8.8.4.4;9.9.9.9",
        "pii/mixed": "Contact admin@server.example.net from 93.184.216.34 or 192.168.0.10.",
        "pii/none": "Nothing to replace in this sentence at all.",
    }


def pii_variants():
    return [
        ("pii/ips_public_private", {"only_remove_public_ips": False}),
        ("pii/ips_edges", {"only_remove_public_ips": False}),
        ("pii/mixed", {"remove_emails": False}),
        ("pii/mixed", {"remove_ips": False}),
        ("pii/emails_cycle", {"email_replacement": ["X"]}),
        ("pii/ips_public_private", {"ip_replacement": ["IP1", "IP2"]}),
    ]


def text_parts_cases():
    """Texts stored as [unit, count] runs."""
    return {
        "c4/huge_line_many_sentences": [["The quick brown fox jumps over the dog. ", 5000], ["End.", 1]],
        "c4/huge_word": [["A ", 1], ["z", 5000], [" word.", 1], ["\n" + SENT[0], 1]],
        "fineweb/huge_single_line": [["word ", 40000], ["end.", 1]],
        "c4/empty_lines_kept": [["a b.\n\n", 2], ["c d", 1]],
    }


# ---------------------------------------------------------------------------------------------------
# Real documents


def sha(path):
    return hashlib.sha1(path.encode()).hexdigest()


def read_text(path):
    data = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
    if b"\0" in data:
        return None
    return data.decode("utf-8", errors="replace")


def cap_for(path):
    h = int(sha(path)[:12], 16)
    r = h % 100
    if r < 88:
        return 150 + (h >> 8) % 430
    if r < 99:
        return 650 + (h >> 8) % 1350
    return 20000


def truncate(text, cap):
    if len(text) <= cap:
        return text
    cut = text.rfind("\n", 0, cap)
    return text[: cut + 1] if cut > 0 else text[:cap]


def real_documents():
    groups = [
        (sorted({os.path.realpath(p) for p in glob.glob("/usr/share/common-licenses/*") if os.path.isfile(p)}), 20),
        (sorted(p for p in glob.glob("/usr/share/doc/*/README*") if os.path.isfile(p)), 60),
        (sorted(glob.glob("/usr/share/doc/*/changelog.Debian.gz")), 110),
        (sorted(glob.glob("/usr/lib/python3.11/**/*.py", recursive=True)), 110),
    ]
    docs = []
    for paths, want in groups:
        taken = 0
        for path in sorted(paths, key=sha):
            if taken == want:
                break
            text = read_text(path)
            if not text or not text.strip():
                continue
            docs.append((path, truncate(text, cap_for(path))))
            taken += 1
    return docs


# ---------------------------------------------------------------------------------------------------
# datatrove


def decision(result):
    keep, reason = (result, None) if isinstance(result, bool) else result
    if keep:
        return "keep"
    return "drop" if reason is None else "drop:" + reason


def edits(before, after):
    """[start, end, replacement] edits (code points) turning `before` into `after`, checked."""
    if before == after:
        return []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    out = [[i1, i2, after[j1:j2]] for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]
    assert apply_edits(before, out) == after
    return out


def apply_edits(text, ops):
    pieces, last = [], 0
    for start, end, replacement in ops:
        pieces += [text[last:start], replacement]
        last = end
    return "".join(pieces) + text[last:]


def run_c4(text, params):
    doc = Document(text=text, id="x")
    verdict = decision(C4QualityFilter(**params).filter(doc))
    return verdict, (edits(text, doc.text) if verdict == "keep" else None)


def run_paragraph(text, params):
    f = C4ParagraphFilter()
    for k, v in params.items():
        setattr(f, k, v)
    return decision(f.filter(Document(text=text, id="x")))


def run_fineweb(text, params, tokenizer):
    kwargs = dict(params)
    if "stop_chars" in kwargs:
        kwargs["stop_chars"] = tuple(kwargs["stop_chars"])
    f = FineWebQualityFilter(language=WS if tokenizer == "whitespace" else "en", **kwargs)
    try:
        return decision(f.filter(Document(text=text, id="x")))
    except ZeroDivisionError:
        return "error:ZeroDivisionError"


def run_pii(text, params):
    kwargs = dict(params)
    for k in ("email_replacement", "ip_replacement"):
        if k in kwargs:
            kwargs[k] = tuple(kwargs[k])
    return edits(text, PIIFormatter(**kwargs).format(text))


def results_for(text, variants):
    out = {}
    out["c4_quality"], c4_edits = run_c4(text, {})
    if c4_edits is not None:
        out["c4_quality_edits"] = c4_edits
    out["c4_paragraph"] = run_paragraph(text, {})
    out["fineweb_quality"] = run_fineweb(text, {}, "whitespace")
    out["fineweb_quality_spacy"] = run_fineweb(text, {}, "spacy")
    out["pii_edits"] = run_pii(text, {})
    extra = []
    for filt, params in variants:
        v = {"filter": filt, "params": params}
        if filt == "c4_quality":
            v["decision"], e = run_c4(text, params)
            if e is not None:
                v["edits"] = e
        elif filt == "c4_paragraph":
            v["decision"] = run_paragraph(text, params)
        elif filt == "fineweb_quality":
            v["decision"] = run_fineweb(text, params, "whitespace")
        else:
            v["decision"] = "keep"
            v["edits"] = run_pii(text, params)
        extra.append(v)
    if extra:
        out["variants"] = extra
    return out


def boundary_records():
    texts = {}
    texts.update(c4_cases())
    texts.update(c4_sentence_cases())
    texts.update(paragraph_cases())
    texts.update(fineweb_cases())
    texts.update(pii_cases())
    parts = text_parts_cases()
    variants = {}
    for filt, vs in (("c4_quality", c4_variants()), ("c4_paragraph", paragraph_variants()),
                     ("fineweb_quality", fineweb_variants()), ("pii", pii_variants())):
        for name, params in vs:
            variants.setdefault(name, []).append((filt, params))
    records = []
    for name in list(texts) + [n for n in parts if n not in texts]:
        record = {"name": name}
        if name in parts:
            record["text_parts"] = parts[name]
            text = "".join(unit * count for unit, count in parts[name])
        else:
            text = texts[name]
            record["text"] = text
        record.update(results_for(text, variants.get(name, [])))
        if name.startswith("c4_sentences/"):
            record["sentences"] = split_into_sentences(text.split("\n")[-1], "en")
        records.append(record)
    return records


def real_records():
    records = []
    for path, text in real_documents():
        records.append({"name": "real/" + path, "text": text, **results_for(text, [])})
    return records


# ---------------------------------------------------------------------------------------------------
# Output

# The readable JSON writer is shared with the other golden scripts.
def speed():
    """datatrove's throughput on the real documents (MB/s of UTF-8 input per CPU second), each filter alone."""
    docs = [text for _, text in real_documents()]
    size = sum(len(t.encode()) for t in docs)

    def measure(label, fn, min_seconds=3.0):
        fn(docs[0])
        rounds, start = 0, time.process_time()
        while True:
            for t in docs:
                fn(t)
            rounds += 1
            elapsed = time.process_time() - start
            if elapsed >= min_seconds:
                break
        print(f"{label:40s} {size * rounds / elapsed / 1e6:8.2f} MB/s  ({rounds} rounds of {size} bytes)")

    c4, para, pii = C4QualityFilter(), C4ParagraphFilter(), PIIFormatter()
    fw_ws, fw_sp = FineWebQualityFilter(language=WS), FineWebQualityFilter()
    measure("c4_quality (spaCy sentences)", lambda t: c4.filter(Document(text=t, id="x")))
    measure("c4_paragraph", lambda t: para.filter(Document(text=t, id="x")))
    measure("fineweb_quality (whitespace words)", lambda t: fw_ws.filter(Document(text=t, id="x")))
    measure("fineweb_quality (spaCy words)", lambda t: fw_sp.filter(Document(text=t, id="x")))
    measure("pii", lambda t: pii.format(t))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--speed", action="store_true", help="measure datatrove's throughput instead")
    args = parser.parse_args()
    if args.speed:
        speed()
        return
    records = boundary_records() + real_records()
    header = {
        "datatrove": datatrove.__version__ if hasattr(datatrove, "__version__") else _dist_version("datatrove"),
        "spacy": spacy.__version__,
        "python": platform.python_version(),
        "unicodedata": unicodedata.unidata_version,
    }
    body = ",\n".join(json_value(r) for r in records)
    args.output.write_text('{"header":' + json_value(header) + ',\n"records":[\n' + body + "\n]}\n", encoding="utf-8")
    kinds = {}
    for r in records:
        kinds[r["name"].split("/")[0]] = kinds.get(r["name"].split("/")[0], 0) + 1
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes): {kinds}", file=sys.stderr)


def _dist_version(name):
    from importlib.metadata import version

    return version(name)


if __name__ == "__main__":
    main()
