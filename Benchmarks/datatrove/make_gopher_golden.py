#!/usr/bin/env python3
"""Write Tests/CurationTests/Fixtures/gopher-golden.json: datatrove's Gopher quality and repetition decisions.

    . ~/.cache/plm-peers/dt/bin/activate
    python Benchmarks/datatrove/make_gopher_golden.py                 # writes the fixture next to the tests
    python Benchmarks/datatrove/make_gopher_golden.py -o FILE
    python Benchmarks/datatrove/make_gopher_golden.py --large 2000 -o /tmp/big.json
                                              # no boundary documents; 2000 real documents of up to 20 KB
    python Benchmarks/datatrove/make_gopher_golden.py --fuzz 4000 -o /tmp/fuzz.json
                                              # random texts from a small, tricky vocabulary, each also
                                              # run with random settings (a cross-check; not the fixture)
    python Benchmarks/datatrove/make_gopher_golden.py --bench       # datatrove's throughput on the real
                                              # documents of the fixture, whitespace and spaCy tokenizers

Every record holds a `text` and datatrove's (0.10.1) outcome for it under each filter with its default
settings, `gopher_quality` and `gopher_repetition`: "keep", the reason datatrove returns with a drop, or "!"
and the name of the exception datatrove raised instead of deciding (ZeroDivisionError). `checks` adds runs
with other settings: `filter`, `config` (constructor arguments by datatrove's names; n-gram rules as
[n, fraction] pairs; null is None), `others_off` (when true, every threshold not in `config` is None and the
n-gram lists are empty, so only the named checks run), `outcome`, and where datatrove raised, `plm`: what plm
decides instead (the checks that would divide by zero are skipped, see plm_outcome).

datatrove's filters find their word tokenizer through `load_word_tokenizer(self.language)`, which returns
the `language` argument itself when it is a `datatrove.utils.word_tokenizers.WordTokenizer`; the runs here
pass one whose `word_tokenize(text)` is `text.split()` (plm's WhitespaceWordTokenizer).

Records:
  - boundary documents, built here: for each threshold, texts exactly at it, one step below and one step
    above (lengths padded with spaces to hit a ratio exactly), run with the default configuration and with
    one where every other check is disabled; plus empty, whitespace-only, Unicode and Python-semantics
    corner cases (splitlines separators, NFC vs NFD, isalpha across Unicode versions, ties, joins);
  - real documents (`"real": true`) sampled deterministically from this machine: /usr/share/common-licenses,
    gunzipped /usr/share/doc/*/changelog.Debian.gz, READMEs, the Python standard library, each truncated
    (to a length drawn from its path's SHA-1) so that the file stays under 400 KB.
"""
import argparse
import gzip
import hashlib
import json
import math
import os
import platform
import sys
import time
import unicodedata
from fractions import Fraction
from pathlib import Path

import numpy as np
from datatrove.data import Document
from datatrove.pipeline.filters import GopherQualityFilter, GopherRepetitionFilter
from datatrove.pipeline.filters.gopher_repetition_filter import (
    find_all_duplicate,
    find_duplicates,
    find_top_duplicate,
    get_n_grams,
)
from datatrove.utils.word_tokenizers import WordTokenizer
from golden_json import json_string, json_value

DEFAULT_OUTPUT = Path(__file__).resolve().parents[2] / "Tests/CurationTests/Fixtures/gopher-golden.json"
QUALITY, REPETITION = "gopher_quality", "gopher_repetition"
CLASSES = {QUALITY: GopherQualityFilter, REPETITION: GopherRepetitionFilter}


class SplitTokenizer(WordTokenizer):
    """A datatrove word tokenizer splitting like Python's str.split()."""

    def word_tokenize(self, text):
        return text.split()

    def sent_tokenize(self, text):
        raise NotImplementedError

    def span_tokenize(self, text):
        raise NotImplementedError


TOKENIZER = SplitTokenizer()
QUALITY_OFF = dict(min_doc_words=None, max_doc_words=None, min_avg_word_length=None, max_avg_word_length=None,
                   max_symbol_word_ratio=None, max_bullet_lines_ratio=None, max_ellipsis_lines_ratio=None,
                   max_non_alpha_words_ratio=None, min_stop_words=None)
REPETITION_OFF = dict(dup_line_frac=None, dup_para_frac=None, dup_line_char_frac=None, dup_para_char_frac=None,
                      top_n_grams=[], dup_n_grams=[])


def make_filter(name, config, tokenizer=TOKENIZER):
    kwargs = {k: (tuple(tuple(p) for p in v) if k in ("top_n_grams", "dup_n_grams") else v)
              for k, v in (config or {}).items()}
    return CLASSES[name](language=tokenizer, **kwargs)


def run(name, text, config=None, others_off=False):
    """datatrove's outcome: "keep", the reason of a drop, or "!" + the exception it raised."""
    full = {**(QUALITY_OFF if name == QUALITY else REPETITION_OFF), **config} if others_off else config
    flt = make_filter(name, full)
    try:
        result = flt.filter(Document(text=text, id="x"))
    except Exception as error:  # datatrove crashes instead of deciding
        return "!" + type(error).__name__
    keep, reason = (result, None) if not isinstance(result, tuple) else result
    assert keep or reason, "these filters always name their reason"
    return "keep" if keep else reason


def plm_outcome(name, text, config, others_off):
    """What plm decides where datatrove raised ZeroDivisionError: the same checks, less the ratio checks
    whose denominator is zero (no words: symbol and alphabetic ratios; no lines: bullet and ellipsis ratios)."""
    assert name == QUALITY
    full = {**QUALITY_OFF, **config} if others_off else dict(config)
    if not TOKENIZER.word_tokenize(text):
        full.update(max_symbol_word_ratio=None, max_non_alpha_words_ratio=None)
    if not text.splitlines():
        full.update(max_bullet_lines_ratio=None, max_ellipsis_lines_ratio=None)
    outcome = run(name, text, full)
    assert not outcome.startswith("!"), outcome
    return outcome


# MARK: vocabulary

STOP = {"the", "be", "to", "of", "and", "that", "have", "with"}


class Vocab:
    """Fresh lowercase words of a requested length, never a stop word, never twice."""

    def __init__(self):
        self.next_index = {}

    def word(self, length):
        while True:
            i = self.next_index.get(length, 0)
            self.next_index[length] = i + 1
            letters, x = [], i * 7919 + 13
            for _ in range(length):
                letters.append(chr(97 + x % 26))
                x //= 26
            w = "".join(letters)
            if w not in STOP:
                return w

    def words(self, count, length=5):
        return [self.word(length) for _ in range(count)]


V = Vocab()


def prose(count, length=5, stop=("the", "and")):
    """`count` words: the stop words, then fresh words of `length`."""
    return list(stop) + V.words(count - len(stop), length)


# MARK: boundary documents, Gopher quality

def quality_cases():
    cases = []  # (name, text, isolated config or None, expected outcome in isolation or None)

    def add(name, text, isolated=None, expect=None):
        cases.append((name, text, isolated, expect))

    only = lambda **kw: kw  # noqa: E731

    # min_doc_words = 50: non-symbol words
    for n, expect in ((49, "gopher_short_doc"), (50, True), (51, True)):
        add(f"q_min_words_{n}", " ".join(prose(n)), only(min_doc_words=50), expect)
    words = prose(49)
    add("q_min_words_49_plus_symbol_words", " ".join(words[:20] + ["—", "!!!", "«»", "\x01", "１"] + words[20:]),
        only(min_doc_words=50), "gopher_short_doc")
    add("q_min_words_50_with_bullet_char", " ".join(prose(49) + ["•"]), only(min_doc_words=50), True)
    # max_doc_words: 100000 by default (plm's Swift tests cover it); here lowered to 60
    for n, expect in ((59, True), (60, True), (61, "gopher_long_doc")):
        add(f"q_max_words_60_{n}", " ".join(prose(n)), only(max_doc_words=60), expect)

    # mean length of non-symbol words: 3 and 10
    def lengths_doc(lengths, extra_symbols=()):
        ws = ["the", "and"] + [V.word(n) for n in lengths]
        ws[30:30] = list(extra_symbols)
        return " ".join(ws)

    add("q_avg_at_3", lengths_doc([3] * 58), only(min_avg_word_length=3), True)
    add("q_avg_below_3", lengths_doc([3] * 57 + [2]), only(min_avg_word_length=3), "gopher_below_avg_threshold")
    add("q_avg_above_3", lengths_doc([3] * 57 + [4]), only(min_avg_word_length=3), True)
    add("q_avg_at_3_symbols_excluded", lengths_doc([3] * 58, ["-", "!", "..", "?!"]), only(min_avg_word_length=3), True)
    add("q_avg_at_3_digits_counted", lengths_doc([3] * 50) + " 12 345 678 901 234 567 890 12345",
        only(min_avg_word_length=3), True)
    add("q_avg_at_10", lengths_doc([10] * 44 + [11] * 14), only(max_avg_word_length=10), True)
    add("q_avg_above_10", lengths_doc([10] * 43 + [11] * 15), only(max_avg_word_length=10), "gopher_above_avg_threshold")
    add("q_avg_below_10", lengths_doc([10] * 45 + [11] * 13), only(max_avg_word_length=10), True)
    add("q_avg_fraction_at_3_01", lengths_doc([3] * 57 + [4]) + " " + " ".join(V.words(40, 3)),
        only(min_avg_word_length=3.01), True)  # 301 / 100
    add("q_avg_fraction_below_3_01", lengths_doc([3] * 58) + " " + " ".join(V.words(40, 3)),
        only(min_avg_word_length=3.01), "gopher_below_avg_threshold")
    add("q_avg_astral_and_marks", " ".join(prose(10) + ["e\u0301t\u0301e\u0301"] * 2 + ["𝐇𝐞𝐲"] * 40),
        only(min_avg_word_length=3, max_avg_word_length=4), None)

    # '#' per word: 0.1
    def hash_doc(k, form="ab#cd"):
        ws = prose(100)
        for i in range(k):
            ws[2 + i * 3] = form
        return " ".join(ws)

    add("q_hash_at", hash_doc(10), only(max_symbol_word_ratio=0.1), True)
    add("q_hash_above", hash_doc(11), only(max_symbol_word_ratio=0.1), "gopher_too_many_hashes")
    add("q_hash_below", hash_doc(9), only(max_symbol_word_ratio=0.1), True)
    add("q_hash_standalone_at", hash_doc(10, "#"), only(max_symbol_word_ratio=0.1), True)
    add("q_hash_double_above", hash_doc(5, "##") + " #", only(max_symbol_word_ratio=0.1), "gopher_too_many_hashes")

    # '...' + '…' per word: 0.1 (non-overlapping counts)
    def ellipsis_doc(forms):
        ws = prose(100)
        for i, form in enumerate(forms):
            ws[2 + i * 3] = form
        return " ".join(ws) + " end"

    add("q_ellipsis_at", ellipsis_doc(["ab..."] * 4 + ["…"] * 2 + ["a......b", "x....", "y....."]),  # 4+2+2+1+1
        only(max_symbol_word_ratio=0.1), True)
    add("q_ellipsis_above", ellipsis_doc(["ab..."] * 4 + ["…"] * 2 + ["a......b", "x....", "y.....", "…z"]),
        only(max_symbol_word_ratio=0.1), "gopher_too_many_ellipsis")
    add("q_ellipsis_dots_not_counted", ellipsis_doc(["a..b"] * 15 + [". . ."] * 3), only(max_symbol_word_ratio=0.1), True)

    # lines starting with a bullet: 0.9 of str.splitlines()
    def line(prefix=""):
        return prefix + " ".join(V.words(6))

    seps = ["\n", "\r\n", "\r", "\u2028", "\x0c", "\x1e", "\x85", "\x0b", "\x1c", "\u2029"]
    prefixes = ["- ", "• ", "  - ", "\t• ", "\x1f- ", "\u3000-", "-- ", "\xa0•", "- ", "• "]

    def bullet_doc(n_bullets, n_plain, tail=""):
        lines = [line(prefixes[i % len(prefixes)]) for i in range(n_bullets)] + [line() for _ in range(n_plain)]
        lines[0] = lines[0] + " the and"
        text = ""
        for i, ln in enumerate(lines):
            text += ln + (seps[i % len(seps)] if i + 1 < len(lines) else "")
        return text + tail

    add("q_bullets_at", bullet_doc(9, 1), only(max_bullet_lines_ratio=0.9), True)
    add("q_bullets_above", bullet_doc(10, 0), only(max_bullet_lines_ratio=0.9), "gopher_too_many_bullets")
    add("q_bullets_19_of_20", bullet_doc(19, 1), only(max_bullet_lines_ratio=0.9), "gopher_too_many_bullets")
    add("q_bullets_below", bullet_doc(8, 2), only(max_bullet_lines_ratio=0.9), True)
    add("q_bullets_blank_line_counts", bullet_doc(9, 0).replace("\n", "\n\n", 1), only(max_bullet_lines_ratio=0.9), True)
    add("q_bullets_trailing_break_no_line", bullet_doc(9, 0) + "\n", only(max_bullet_lines_ratio=0.9),
        "gopher_too_many_bullets")
    add("q_bullets_star_is_not", "\n".join(line("* ") for _ in range(10)) + " the and",
        only(max_bullet_lines_ratio=0.9), True)
    add("q_bullets_unit_separator_not_a_break", "\x1f".join(line("- ") for _ in range(5)) + "\nplain words here",
        only(max_bullet_lines_ratio=0.4), "gopher_too_many_bullets")

    # lines ending with an ellipsis: 0.3
    ends = ["...", "…", "...   ", "....", "…\t", "..."]

    def end_doc(n_end, n_plain):
        lines = [line() + " " + ends[i % len(ends)] for i in range(n_end)] + [line() + " end." for _ in range(n_plain)]
        return "the and\n".join(lines[:1]) + "\n" + "\n".join(lines[1:]) + "\nthe and"

    add("q_end_ellipsis_at", end_doc(3, 6), only(max_ellipsis_lines_ratio=0.3), True)
    add("q_end_ellipsis_above", end_doc(4, 5), only(max_ellipsis_lines_ratio=0.3), "gopher_too_many_end_ellipsis")
    add("q_end_ellipsis_below", end_doc(2, 7), only(max_ellipsis_lines_ratio=0.3), True)
    add("q_end_ellipsis_crlf", end_doc(4, 5).replace("\n", "\r\n"), only(max_ellipsis_lines_ratio=0.3),
        "gopher_too_many_end_ellipsis")
    add("q_end_spaced_dots_not", "\n".join(line() + " . . ." for _ in range(5)) + "\nthe and",
        only(max_ellipsis_lines_ratio=0.3), True)

    # words with a letter: at least 0.8 of all words
    def alpha_doc(n_alpha, non_alpha):
        return " ".join(prose(n_alpha) + non_alpha)

    digits = ["1234", "42", "3.14", "٣٤٥", "१२३", "---", "!!", "½", "²", "🎉"]
    add("q_alpha_at", alpha_doc(80, (digits * 2)[:20]), only(max_non_alpha_words_ratio=0.8), True)
    add("q_alpha_below", alpha_doc(79, (digits * 3)[:21]), only(max_non_alpha_words_ratio=0.8), "gopher_below_alpha_threshold")
    add("q_alpha_above", alpha_doc(81, (digits * 2)[:19]), only(max_non_alpha_words_ratio=0.8), True)
    add("q_alpha_unicode_letters", " ".join(["ñandú", "ǅemal", "ʰa", "中文", "ㄱ", "ᾈ", "ℌ", "Ⅻ", "ⓐ", "ا"] * 8 + ["1"] * 20),
        only(max_non_alpha_words_ratio=0.8), None)
    # U+31350 (CJK Ext. H) is a letter since Unicode 15; Python 3.11's Unicode 14 says not.
    add("q_alpha_unicode15_letter", " ".join(prose(79) + ["\U00031350\U00031351"] + ["1234"] * 20),
        only(max_non_alpha_words_ratio=0.8), "gopher_below_alpha_threshold")
    add("q_alpha_kawi_letter", " ".join(prose(79) + ["\U00011F04"] + ["1234"] * 20),
        only(max_non_alpha_words_ratio=0.8), "gopher_below_alpha_threshold")

    # distinct stop words: at least 2
    add("q_stop_two", " ".join(["the", "of"] + V.words(60)), only(min_stop_words=2), True)
    add("q_stop_one_repeated", " ".join(["the"] * 10 + V.words(60)), only(min_stop_words=2), "gopher_enough_stop_words")
    add("q_stop_case_and_punct", " ".join(["the", "The", "AND", "and,", "(of)", "to."] + V.words(60)),
        only(min_stop_words=2), "gopher_enough_stop_words")
    add("q_stop_three_of_three", " ".join(["with", "have", "that"] + V.words(60)), only(min_stop_words=3), True)
    add("q_stop_two_of_three", " ".join(["with", "have", "with"] + V.words(60)), only(min_stop_words=3),
        "gopher_enough_stop_words")
    nfc = " ".join(["über", "straße", "the"] + V.words(60))
    add("q_stop_custom_nfc", nfc, only(min_stop_words=2, stop_words=["über", "straße", "üBER"]), True)
    add("q_stop_custom_nfd", unicodedata.normalize("NFD", nfc), only(min_stop_words=2, stop_words=["über", "straße"]),
        "gopher_enough_stop_words")
    add("q_stop_custom_empty_list", nfc, only(min_stop_words=1, stop_words=[]), "gopher_enough_stop_words")
    add("q_stop_kelvin", " ".join(["\u212a", "\u037e"] + V.words(60)), only(min_stop_words=2, stop_words=["K", ";"]),
        "gopher_enough_stop_words")
    return cases


# MARK: boundary documents, Gopher repetition

def words_text(words):
    return " ".join(words)


def paragraphs_of(text):
    import re
    return re.split(r"\n{2,}", text.strip())


def lines_of(text):
    import re
    return re.split("\n+", text)


def exact(numerator, fraction):
    """The text length at which numerator / length equals `fraction` exactly, or None."""
    need = Fraction(numerator) / Fraction(repr(fraction))
    if need.denominator != 1:
        return None
    return int(need)


def padded(template, length):
    """`template` with its `{PAD}` replaced by enough spaces to make the text `length` long."""
    base = len(template.replace("{PAD}", ""))
    assert length - base >= 1, (length, base)
    return template.replace("{PAD}", " " * (length - base))


def repetition_cases():
    cases = []

    def add(name, text, isolated=None, expect=None):
        cases.append((name, text, isolated, expect))

    only = lambda **kw: kw  # noqa: E731

    def three(prefix, make_template, numerator_of, fraction, config, reason):
        """Texts one character short of, exactly at and one longer than the threshold."""
        for extra in range(0, 60):
            template = make_template(extra)
            numerator = numerator_of(template.replace("{PAD}", " "))
            at = exact(numerator, fraction)
            if at is not None and at - 1 > len(template.replace("{PAD}", "")):
                break
        else:
            raise AssertionError(prefix)
        add(prefix + "_above", padded(template, at - 1), config, reason)
        add(prefix + "_at", padded(template, at), config, True)
        add(prefix + "_below", padded(template, at + 1), config, True)

    def unique_paragraph():
        return " ".join(V.words(8))

    # dup_para_frac 0.3: duplicated paragraphs / paragraphs (split on \n{2,} after strip())
    def para_doc(n_unique, n_dup, sep="\n\n"):
        dup = unique_paragraph()
        paras = [unique_paragraph() for _ in range(n_unique)] + [dup] * (n_dup + 1)
        return sep.join(paras)

    add("r_para_frac_at", para_doc(6, 3), only(dup_para_frac=0.3), True)        # 3 / 10
    add("r_para_frac_above", para_doc(5, 4), only(dup_para_frac=0.3), "dup_para_frac")  # 4 / 10
    add("r_para_frac_below", para_doc(7, 2), only(dup_para_frac=0.3), True)
    add("r_para_frac_runs_of_newlines", para_doc(5, 4, "\n\n\n\n"), only(dup_para_frac=0.3), "dup_para_frac")
    add("r_para_frac_crlf_not_split", para_doc(5, 4, "\r\n\r\n"), only(dup_para_frac=0.3), True)
    add("r_para_frac_strip_edges", "\n\n \t" + para_doc(6, 3) + "\n\n\n  ", only(dup_para_frac=0.3), True)

    # dup_para_char_frac 0.2: characters of duplicated paragraphs / len(text)
    def para_char_template(extra):
        dup = " ".join(V.words(5)) + "x" * extra
        head = " ".join(V.words(3)) + "{PAD}" + " ".join(V.words(3))
        return "\n\n".join([head, dup, unique_paragraph(), dup, unique_paragraph()])

    three("r_para_char", para_char_template, lambda t: find_duplicates(paragraphs_of(t))[1], 0.2,
          only(dup_para_char_frac=0.2), "dup_para_char_frac")

    # dup_line_frac 0.3: duplicated lines / lines (split on \n+, unstripped)
    def line_doc(n_unique, n_dup, sep="\n"):
        dup = " ".join(V.words(6))
        return sep.join([" ".join(V.words(6)) for _ in range(n_unique)] + [dup] * (n_dup + 1))

    add("r_line_frac_at", line_doc(6, 3), only(dup_line_frac=0.3), True)
    add("r_line_frac_above", line_doc(5, 4), only(dup_line_frac=0.3), "dup_line_frac")
    add("r_line_frac_below", line_doc(7, 2), only(dup_line_frac=0.3), True)
    add("r_line_frac_blank_runs", line_doc(5, 4, "\n\n\n"), only(dup_line_frac=0.3), "dup_line_frac")
    add("r_line_frac_edges_make_empty_dup", "\n" + " ".join(V.words(6)) + "\n", only(dup_line_frac=0.3), "dup_line_frac")
    add("r_line_frac_one_edge", line_doc(2, 0) + "\n", only(dup_line_frac=0.3), True)
    add("r_line_frac_crlf", line_doc(5, 4, "\r\n") + "\r\n", only(dup_line_frac=0.3), "dup_line_frac")
    add("r_line_frac_cr_only_one_line", line_doc(5, 4, "\r"), only(dup_line_frac=0.3), True)
    add("r_line_nfc_nfd_differ", "café au lait\ncafe\u0301 au lait\nÅngström\nA\u030angström\nthe end",
        only(dup_line_frac=0.3), True)
    add("r_line_nfc_same", "café au lait\ncafé au lait\nÅngström\nÅngström\nthe end", only(dup_line_frac=0.3),
        "dup_line_frac")

    # dup_line_char_frac 0.2
    def line_char_template(extra):
        dup = " ".join(V.words(4)) + "y" * extra
        head = " ".join(V.words(3)) + "{PAD}" + " ".join(V.words(3))
        return "\n".join([head, dup, " ".join(V.words(5)), dup, " ".join(V.words(5)), " ".join(V.words(5))])

    three("r_line_char", line_char_template, lambda t: find_duplicates(lines_of(t))[1], 0.2,
          only(dup_line_char_frac=0.2), "dup_line_char_frac")

    # top n-grams: length of the most frequent n-gram x its count / len(text)
    for n, fraction in ((2, 0.2), (3, 0.18), (4, 0.16)):
        def top_template(extra, n=n):
            gram = V.words(n - 1, 4) + [V.word(4 + extra)]
            parts = V.words(3) + ["{PAD}"]
            for _ in range(3):
                parts += gram + V.words(2)
            return " ".join(parts).replace(" {PAD} ", "{PAD}")

        three(f"r_top_{n}", top_template, lambda t, n=n: find_top_duplicate(get_n_grams(t.split(), n)), fraction,
              only(top_n_grams=[[n, fraction]]), f"top_{n}_gram")

    # ties: the first n-gram seen among the most frequent, whatever its length
    short, long_ = ["aa", "bb"], ["cccccccc", "dddddddd"]
    def tie_doc(first, second):
        parts = []
        for _ in range(3):
            parts += first + V.words(1)
        for _ in range(3):
            parts += second + V.words(1)
        text = " ".join(parts)
        return text + " " * (200 - len(text))
    add("r_top_tie_short_first", tie_doc(short, long_), only(top_n_grams=[[2, 0.2]]), True)
    add("r_top_tie_long_first", tie_doc(long_, short), only(top_n_grams=[[2, 0.2]]), "top_2_gram")

    # repeated n-grams (words joined without spaces; jump n words after a repeat)
    for n, fraction in ((5, 0.15), (6, 0.14), (7, 0.13), (8, 0.12), (9, 0.11), (10, 0.10)):
        def dup_template(extra, n=n):
            gram = V.words(n - 1, 3) + [V.word(3 + extra)]
            parts = V.words(2) + ["{PAD}"] + V.words(2) + gram + V.words(3) + gram + V.words(2)
            return " ".join(parts).replace(" {PAD} ", "{PAD}")

        three(f"r_dup_{n}", dup_template, lambda t, n=n: find_all_duplicate(t.split(), n), fraction,
              only(dup_n_grams=[[n, fraction]]), f"duplicated_{n}_n_grams")

    # find_all_duplicate joins with "": ["ab", "c", ...] and ["a", "bc", ...] are the same 5-gram
    add("r_dup_join_collision_at", "ab c d e f a bc d e f" + " " * 19, only(dup_n_grams=[[5, 0.15]]), True)
    add("r_dup_join_collision_above", "ab c d e f a bc d e f" + " " * 18, only(dup_n_grams=[[5, 0.15]]),
        "duplicated_5_n_grams")
    # the jump: after a repeat the next n-1 windows are never remembered
    add("r_dup_jump", " ".join(["a", "b", "c", "d", "e"] * 4 + ["f", "g"]), only(dup_n_grams=[[5, 0.5]]), None)
    add("r_dup_overlapping_runs", " ".join(["w"] * 30), only(dup_n_grams=[[5, 0.6]]), None)

    # every other setting
    add("r_top_1_gram", " ".join(["alpha"] * 5 + V.words(20)), only(top_n_grams=[[1, 0.1]]), "top_1_gram")
    add("r_dup_1_gram", " ".join(["alpha", "beta"] * 5 + V.words(20)), only(dup_n_grams=[[1, 0.05]]), "duplicated_1_n_grams")
    add("r_top_zero_fraction_still_checks", "alpha beta gamma alpha beta", only(top_n_grams=[[2, 0.0]]), "top_2_gram")
    add("r_frac_zero_disables", line_doc(1, 5), {"dup_line_frac": 0.0, "dup_line_char_frac": 0}, True)
    add("r_top_too_few_words", "alpha", {"top_n_grams": [[2, 0.0]], "dup_n_grams": [[5, -1.0]]}, "duplicated_5_n_grams")
    return cases


def corner_cases():
    """Run through both filters with default settings (and a few configurations)."""
    rtl_ar = ("اللغة العربية جميلة جدا، وهي لغة القرآن الكريم. يتحدث بها الملايين من الناس في العالم. "
              "وتكتب من اليمين إلى اليسار. ")
    rtl_he = "שָׁלוֹם עולם זהו טקסט בעברית עם ניקוד וּמִלִּים נוספות, והוא נכתב מימין לשמאל. "
    cjk = "我们今天去公园散步然后吃了晚饭。中文没有空格，所以整句是一个词。日本語のテキストも空白がありません。"
    big_line = " ".join(V.words(2000, 5))
    spam = "spam " * 800
    english = ("The lighthouse stood at the edge of the harbour for two hundred years, and the keepers wrote "
               "down the weather every evening with care. ")
    return [
        ("c_empty", ""),
        ("c_space", " "),
        ("c_whitespace_only", " \t\n\r\x0b\x0c\xa0\u3000\u2028\x1f\x85 "),
        ("c_newline", "\n"),
        ("c_two_newlines", "\n\n"),
        ("c_one_word", "hello"),
        ("c_enormous_line_of_the", "the of " + big_line),
        ("c_spam_line", spam),
        ("c_rtl_arabic", rtl_ar * 8),
        ("c_rtl_arabic_paragraphs", "\n\n".join([rtl_ar] * 3 + [rtl_ar[:40]])),
        ("c_rtl_hebrew", rtl_he * 8),
        ("c_rtl_mixed", (rtl_he + english + rtl_ar) * 3),
        ("c_cjk", cjk * 3),
        ("c_cjk_lines", "\n".join([cjk] * 4)),
        ("c_english_repeated", english * 6),
        ("c_english_lines", "\n".join(english.split(", "))),
        ("c_nfd_english", unicodedata.normalize("NFD", "Café résumé naïve " + english * 3)),
        ("c_controls", "the\x00of\x01and \x02 \x03 " + english * 2 + "\x7f\x80\x9f"),
        ("c_combining_after_hash", "#\u0301 " * 20 + english * 2),
        ("c_zero_width", ("zero\u200bwidth " + english) * 3),
        ("c_emoji", ("I love 🍕 and 🎉 party 😀😃 with the friends 👍🏽 ok 👨‍👩‍👧‍👦. " + english) * 3),
        ("c_surrogate_range_astral", "𝐇𝐞𝐥𝐥𝐨 𝕎𝕠𝕣𝕝𝕕 " * 30 + "the of"),
        ("c_markdown", "# Title\n\n- item one of the list\n- item two\n\n> quote **bold** and `code`\n\n" + english * 4),
        ("c_form_feeds", ("\x0c".join(english.split(". ")) + "\n") * 4),
    ]


# MARK: real documents

def candidates():
    out = []
    lic = Path("/usr/share/common-licenses")
    out += [("license", p) for p in sorted(lic.iterdir()) if p.is_file()]
    out += [("changelog", p) for p in sorted(Path("/usr/share/doc").glob("*/changelog.Debian.gz"))]
    readmes = []
    for root in ("/usr/share/doc", "/etc", "/usr/lib", "/usr/share", "/root/.pyenv"):
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                if name.upper().startswith("README"):
                    p = Path(dirpath) / name
                    if p.is_file() and not p.is_symlink():
                        readmes.append(p)
    out += [("readme", p) for p in sorted(set(readmes))]
    out += [("stdlib", p) for p in sorted(stdlib_root().glob("*.py"))]
    return out


def stdlib_root():
    import sysconfig

    return Path(sysconfig.get_paths()["stdlib"])


def read_text(path):
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def rank(path):
    return hashlib.sha1(str(path).encode()).hexdigest()


def real_documents(quota, large_cap=None):
    by_kind = {}
    for kind, path in candidates():
        by_kind.setdefault(kind, []).append(path)
    docs = []
    for kind, count in quota.items():
        chosen = sorted(by_kind.get(kind, []), key=rank)
        picked = 0
        for path in chosen:
            if picked >= count:
                break
            try:
                text = read_text(path)
            except OSError:
                continue
            if not text.strip():
                continue
            h = int(rank(path)[:8], 16)
            if large_cap:
                cap = large_cap
            elif h % 25 == 0:
                cap = 20000  # a few long ones
            else:
                cap = int(math.exp(math.log(250) + (h % 10007) / 10007 * (math.log(1500) - math.log(250))))
            short = str(path).replace("/usr/share/common-licenses/", "").replace("/usr/share/doc/", "")
            short = short.replace("/changelog.Debian.gz", "").replace(str(stdlib_root()) + "/", "")
            docs.append((f"{kind}:{short}", text[:cap]))
            picked += 1
    return docs


# MARK: fuzz

FUZZ_ATOMS = ["the", "of", "and", "a", "bc", "ab", "c", "é", "e\u0301", "#", "##", "...", "....", "…", "•", "-", "--",
              "1234", "٣٤", "\U00031350", "—", "!!!", "x", "word", "Word", "\x01", "１", "to", "with", "zz", "ééé",
              "中文", "ا", "𝐇𝐞𝐲"]
FUZZ_SEPARATORS = [" ", " ", " ", " ", "  ", "\n", "\n", "\n\n", "\n\n\n", "\r\n", "\r", "\t", "\x0b", "\x0c", "\x1c",
                   "\x1f", "\x85", "\xa0", "\u2028", "\u2029", "\u3000", " \n", "\n ", "\n\t\n"]


def fuzz_records(count, seed=7):
    """Random texts (many repeats, ties, separators) under the defaults and under random settings."""
    import random

    rng = random.Random(seed)
    records = []
    for i in range(count):
        vocab = rng.sample(FUZZ_ATOMS, rng.randint(1, len(FUZZ_ATOMS)))
        parts = []
        for _ in range(rng.choice([0, 1, 2, 3, 5, 8, 13, 30, 60, 120, 250])):
            parts += [rng.choice(vocab), rng.choice(FUZZ_SEPARATORS)]
        if rng.random() < 0.3 and parts:
            parts = parts[:-1]
        if rng.random() < 0.2:
            parts.insert(0, rng.choice(FUZZ_SEPARATORS))
        text = "".join(parts)
        q = {key: rng.choice([None, 0, 1, 2, 3, 50]) for key in ("min_doc_words", "min_stop_words")}
        q.update({key: rng.choice([None, 0.0, 0.1, 0.3, 0.5, 0.8, 0.9, 1.0]) for key in (
            "max_symbol_word_ratio", "max_bullet_lines_ratio", "max_ellipsis_lines_ratio", "max_non_alpha_words_ratio")})
        q.update(min_avg_word_length=rng.choice([None, 1, 2, 3, 2.5]), max_avg_word_length=rng.choice([None, 3, 4, 10]))
        if rng.random() < 0.3:
            q["stop_words"] = rng.sample(FUZZ_ATOMS, 4)
        r = {key: rng.choice([None, 0.0, 0.1, 0.2, 0.3, 0.5]) for key in (
            "dup_line_frac", "dup_para_frac", "dup_line_char_frac", "dup_para_char_frac")}
        r["top_n_grams"] = [[n, rng.choice([0.05, 0.1, 0.2, 0.3])] for n in sorted(rng.sample(range(1, 6), rng.randint(0, 3)))]
        r["dup_n_grams"] = [[n, rng.choice([0.05, 0.1, 0.15, 0.3])] for n in sorted(rng.sample(range(1, 11), rng.randint(0, 4)))]
        checks = []
        for name, config in ((QUALITY, q), (REPETITION, r)):
            check = {"filter": name, "config": config, "others_off": True, "outcome": run(name, text, config, True)}
            if check["outcome"].startswith("!"):
                check["plm"] = plm_outcome(name, text, config, True)
            checks.append(check)
        records.append({"name": f"fuzz_{i}", "text": text, QUALITY: run(QUALITY, text),
                        REPETITION: run(REPETITION, text), "checks": checks})
    return records


# MARK: JSON writing (readable: control, format, separator and combining characters escaped)

# The readable JSON writer is shared with the other golden scripts.
# MARK: main

REAL_QUOTA = {"license": 17, "changelog": 120, "readme": 83, "stdlib": 80}


def build_records(large):
    records = []
    if not large:
        for cases, filter_name in ((quality_cases(), QUALITY), (repetition_cases(), REPETITION)):
            for name, text, isolated, expect in cases:
                record = {"name": name, "text": text, QUALITY: run(QUALITY, text), REPETITION: run(REPETITION, text)}
                if isolated is not None:
                    outcome = run(filter_name, text, isolated, others_off=True)
                    if expect is not None:
                        assert outcome == ("keep" if expect is True else expect), (name, expect, outcome)
                    record["checks"] = [{"filter": filter_name, "config": isolated, "others_off": True,
                                         "outcome": outcome}]
                assert not any(o.startswith("!") for o in (record[QUALITY], record[REPETITION])), name
                records.append(record)
        for name, text in corner_cases():
            records.append({"name": name, "text": text, QUALITY: run(QUALITY, text), REPETITION: run(REPETITION, text)})
        # configurations: Python truthiness, disabled checks, dividing by zero
        extra = [
            ("c_empty", QUALITY, {"min_doc_words": None}, False),
            ("c_empty", QUALITY, {"min_doc_words": 0, "max_symbol_word_ratio": None}, False),
            ("c_empty", QUALITY, {"max_bullet_lines_ratio": 0.9}, True),
            ("c_empty", QUALITY, {"max_non_alpha_words_ratio": 0.8}, True),
            ("c_empty", QUALITY, {}, True),
            ("c_space", QUALITY, {"max_bullet_lines_ratio": 0.5, "min_stop_words": 1}, True),
            ("c_space", QUALITY, {"min_doc_words": None, "max_symbol_word_ratio": 0.0}, False),
            ("c_one_word", QUALITY, {"min_doc_words": 0}, False),
            ("c_one_word", QUALITY, {"min_doc_words": 1, "min_avg_word_length": 0, "max_avg_word_length": 0}, False),
            ("c_empty", REPETITION, {}, True),
            ("c_space", REPETITION, {"top_n_grams": [[1, -1.0]], "dup_n_grams": [[1, -0.5]]}, False),
            ("c_newline", REPETITION, {"dup_line_frac": None}, False),
            ("c_newline", REPETITION, {"dup_line_frac": 0, "dup_line_char_frac": 0, "dup_n_grams": [[2, -1e-9]]}, False),
        ]
        by_name = {r["name"]: r for r in records}
        for name, filter_name, config, others_off in extra:
            record = by_name[name]
            check = {"filter": filter_name, "config": config}
            if others_off:
                check["others_off"] = True
            check["outcome"] = run(filter_name, record["text"], config, others_off)
            if check["outcome"].startswith("!"):
                check["plm"] = plm_outcome(filter_name, record["text"], config, others_off)
            record.setdefault("checks", []).append(check)
    quota = REAL_QUOTA if not large else {k: large for k in REAL_QUOTA}
    for name, text in real_documents(quota, 20000 if large else None):
        records.append({"name": name, "text": text, "real": True, QUALITY: run(QUALITY, text),
                        REPETITION: run(REPETITION, text)})
    names = [r["name"] for r in records]
    assert len(names) == len(set(names)), "names must be unique"
    return records


def write(records, output):
    header = {
        "generator": "Benchmarks/datatrove/make_gopher_golden.py",
        "datatrove": _version("datatrove"),
        "python": platform.python_version(),
        "unicodedata": unicodedata.unidata_version,
        "numpy": np.__version__,
        "tokenizer": "str.split()",
    }
    lines = ["{", f' "header": {json_value(header)},', ' "records": [']
    for i, record in enumerate(records):
        fields = [f"  {json_string(k)}: {json_value(v)}" for k, v in record.items()]
        lines.append(" {\n" + ",\n".join(fields) + "\n }" + ("," if i + 1 < len(records) else ""))
    lines += [" ]", "}"]
    text = "\n".join(lines) + "\n"
    assert json.loads(text)["records"] == json.loads(json.dumps(records)), "the hand-written JSON must round-trip"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    real = sum(1 for r in records if r.get("real"))
    outcomes = {}
    for r in records:
        for key in [r[QUALITY], r[REPETITION]] + [c["outcome"] for c in r.get("checks", [])]:
            outcomes[key] = outcomes.get(key, 0) + 1
    print(f"wrote {len(records)} records ({real} real), {len(text.encode())} bytes to {output}", file=sys.stderr)
    print(f"outcomes: {dict(sorted(outcomes.items()))}", file=sys.stderr)


def bench(path):
    """datatrove's own throughput on the fixture's real documents (MB = 10^6 UTF-8 bytes, per second of this
    thread's CPU time, best of 3, so that other work on the machine matters less)."""
    from datatrove.utils.word_tokenizers import load_word_tokenizer
    from datatrove.utils.text import split_into_parts

    records = json.loads(Path(path).read_text(encoding="utf-8"))["records"]
    texts = [r["text"] for r in records if r.get("real")]
    size = sum(len(t.encode()) for t in texts)
    docs = [Document(text=t, id=str(i)) for i, t in enumerate(texts)]
    for label, tokenizer in (("whitespace (str.split)", TOKENIZER), ("spaCy (datatrove default, en)", "en")):
        load_word_tokenizer(tokenizer).word_tokenize("warm up the tokenizer")
        for name in (QUALITY, REPETITION):
            flt = CLASSES[name](language=tokenizer)
            best = math.inf
            for _ in range(3):
                split_into_parts.cache_clear()
                start = time.thread_time()
                for doc in docs:
                    flt.filter(doc)
                best = min(best, time.thread_time() - start)
            print(f"{name:18} {label:30} {size / best / 1e6:8.2f} MB/s  ({len(docs)} docs, {size} bytes)")


def _version(name):
    from importlib.metadata import version

    return version(name)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--large", type=int, default=0, help="real documents per kind, no boundary documents")
    parser.add_argument("--fuzz", type=int, default=0, help="random texts only (a cross-check, not the fixture)")
    parser.add_argument("--bench", action="store_true", help="time datatrove on the fixture's real documents")
    args = parser.parse_args()
    if args.bench:
        bench(args.output)
        return
    np.seterr(all="ignore")
    import warnings
    warnings.simplefilter("ignore")
    if args.fuzz and args.output == DEFAULT_OUTPUT:
        parser.error("--fuzz writes a cross-check, not the fixture: give -o")
    write(fuzz_records(args.fuzz) if args.fuzz else build_records(args.large), args.output)


if __name__ == "__main__":
    main()
