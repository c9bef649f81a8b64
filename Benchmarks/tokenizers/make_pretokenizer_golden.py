"""Goldens for the pre-tokenizer scanners, made with Hugging Face tokenizers (0.23.3).

Writes Tests/TokenizationTests/Fixtures/pretokenize_<preset>.json: for a few hundred tricky strings
per preset, the pieces `pre_tokenizers.Split(Regex(pattern), behavior="isolated")` gives. The strings
are hand-picked edges (each alternative of each regex, whitespace edge scalars, CRLF, contractions in
any case, digit groups) plus seeded random strings over an alphabet of scalars from every class.

Also writes scalar_classes_hf.txt: the class HF's regex engine gives every Unicode scalar (L, N, S
for \\s; everything else is O and not listed), as "first last class" hex ranges.

Run: ../shared/peers/setup.sh tok, then
  /root/.cache/plm-peers/tok/bin/python Benchmarks/tokenizers/make_pretokenizer_golden.py
"""
import json
import os
import random
import sys

from tokenizers import Regex, pre_tokenizers

sys.path.insert(0, os.path.dirname(__file__))
from patterns import PATTERNS  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "TokenizationTests", "Fixtures")

HAND_PICKED = [
    "", "a", " ", "  ", "\n", "hello world", "Hello  World", "  leading", "trailing  ", "trailing \n",
    # contractions, every case, with and without following letters
    "it's", "IT'S", "It'S", "we're", "WE'RE", "We'Re", "we'rE", "I've", "I'VE", "I'm", "I'M", "we'll",
    "WE'LL", "We'lL", "he'd", "HE'D", "don't", "DON'T", "'s", "'sa", "'Sa", "'re", "'ref", "'r", "'l",
    "'lx", "'v", "'ve", "'", "''", "'''s", "x's's", "a ' s", "'\u017f", "'\u017fa", "'\u212a", "'\u0130",
    "rock 'n' roll", "'tis", "'Tis", "O'Neill", "l'homme", "'d'", "'m'", "'ll'",
    # letters, numbers, other, with a leading space or other scalar
    "abc def", " abc", "!abc", " !abc", "!!abc", "\tabc", "\u0085abc", "\u00a0abc", "\rabc", "\nabc",
    "\r\nabc", "1abc", "abc1", "a1b2c3", "\u00e9t\u00e9", "na\u00efve", "e\u0301", "\u0301e", " \u0301",
    # digits in groups
    "1", "12", "123", "1234", "12345", "1234567", " 1234", "x1234", "3.14159", "1,000,000", "\u0661\u0662\u0663\u0664",
    "\u00b2\u00b3", "\u2160\u2161\u2162\u2163", "\uff11\uff12\uff13\uff14", "\U0001d7ce\U0001d7cf\U0001d7d0\U0001d7d1",
    # punctuation runs and line breaks after them
    "...", "?!\n", "!\r\n\r\nx", " ...\n\n", "a...\nb", " (x)", "((x))", "//comment\n", "#!/bin/sh\n",
    "$$$", " $", " $\n", "x = y + z;\n", "f(a, b) -> c", "<|endoftext|>", "<|im_start|>user\nhi<|im_end|>\n",
    # whitespace runs
    "a  b", "a   b", "a \tb", "a\t b", "a\t\tb", "a \n b", "a\n\n b", "a \n\n  b", "a\r\n\r\n b", "a\n \n b",
    " \n", "\n ", " \n ", "\n\n", "  \n  ", "\t\n\t", "x\n", "x \n", "x  \n", "x\u3000\u3000y", "x\u2028y",
    "x\u2029\u2029y", "x\u000by", "x\u000cy", "x\u001cy", "x\u001d\u001ey", "x \u001f y", "x\u0085y",
    "x \u0085y", "x\u0085\u0085y", "x\u00a0y", "x \u00a0y", "x\u1680y", "x\u2000\u200ay", "x\u202fy",
    "x\u205fy", "x\u200by", "x\u180ey", "x\ufeffy", "   ", "\t", "\r", "\r\r\n", "\n\r", " \r\n ", "a\rb",
    # CJK, emoji, mixed scripts
    "\u4f60\u597d\u4e16\u754c", "\u4f60\u597d \u4e16\u754c", "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8",
    "\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8", "\U0001f600\U0001f600", " \U0001f600", "a\U0001f600b",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467", "\U0001f1eb\U0001f1f7", "\u2764\ufe0f", "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "\u05e9\u05dc\u05d5\u05dd", "\u0928\u092e\u0938\u094d\u0924\u0947", "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35",
    "\U00020000\U0002a6d6", "\U000e0041", "\U000f0000", "\ue000", "\ufffd", "\U0010ffff",
    "The year 2024 had 366 days; it's a leap year!\nWasn't it?  Yes.\r\n",
    "def f(x):\n    return x**2  # square\n\n\nprint(f(12345))\n",
]


def random_strings(rng, count):
    """Strings over an alphabet that mixes every class and the scalars the alternatives turn on."""
    alphabet = (
        list("aZs tS'rRvVeElLmMdD") + list("0123456789") + list("!?.,;:-_()[]{}<>/\\\"#$%&*+=@^`|~")
        + [" "] * 6 + ["\n"] * 3 + ["\r", "\t", "\u000b", "\u000c", "\u001c", "\u001f", "\u0085", "\u00a0",
                                     "\u2028", "\u2029", "\u3000", "\u200b", "\u1680", "\u2009"]
        + ["\u00e9", "\u0301", "\u017f", "\u212a", "\u0130", "\u00df", "\u4e2d", "\u6587", "\u3042", "\u0627",
           "\u0661", "\u00b2", "\u2160", "\uff11", "\U0001f600", "\u200d", "\ufe0f", "\U0001d7ce", "\u02b0",
           "\u01c5", "\u3007", "\ufffd", "\u00ad"]
    )
    strings = []
    for _ in range(count):
        length = rng.randint(1, 24)
        strings.append("".join(rng.choice(alphabet) for _ in range(length)))
    return strings


def pieces_for(pattern, texts):
    split = pre_tokenizers.Split(Regex(pattern), behavior="isolated")
    return [[piece for piece, _ in split.pre_tokenize_str(text)] for text in texts]


def scalar_class_ranges():
    """HF's class of every scalar, found with the gpt2 regex: 'x'+c is one piece for a letter,
    '1'+c for a number, '!'+c for other; whitespace joins none of them."""
    split = pre_tokenizers.Split(Regex(PATTERNS["gpt2"]), behavior="isolated").pre_tokenize_str
    ranges = []
    for value in range(0x110000):
        if 0xD800 <= value <= 0xDFFF:
            continue
        c = chr(value)
        if len(split("x" + c)) == 1:
            cls = "L"
        elif len(split("1" + c)) == 1:
            cls = "N"
        elif len(split("!" + c)) == 1:
            continue
        else:
            cls = "S"
        if ranges and ranges[-1][2] == cls and ranges[-1][1] == value - 1:
            ranges[-1][1] = value
        else:
            ranges.append([value, value, cls])
    return ranges


def main():
    rng = random.Random(5)
    texts = HAND_PICKED + random_strings(rng, 400)
    for preset, pattern in PATTERNS.items():
        cases = [{"text": text, "pieces": pieces}
                 for text, pieces in zip(texts, pieces_for(pattern, texts))]
        for case in cases:
            assert "".join(case["pieces"]) == case["text"], case
        path = os.path.join(FIXTURES, f"pretokenize_{preset}.json")
        with open(path, "w", encoding="utf-8") as out:
            json.dump({"preset": preset, "pattern": pattern, "cases": cases}, out, ensure_ascii=True, indent=0)
            out.write("\n")
        print(f"{preset}: {len(cases)} cases -> {path}")
    if "--skip-classes" not in sys.argv:
        ranges = scalar_class_ranges()
        path = os.path.join(FIXTURES, "scalar_classes_hf.txt")
        with open(path, "w") as out:
            for first, last, cls in ranges:
                out.write(f"{first:X} {last:X} {cls}\n")
        print(f"{len(ranges)} class ranges -> {path}")


if __name__ == "__main__":
    main()
