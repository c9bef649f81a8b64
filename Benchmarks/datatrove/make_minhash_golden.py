#!/usr/bin/env python3
"""Write Tests/CurationTests/Fixtures/minhash-golden.json: datatrove's MinHash outputs for tricky texts.

    . ~/.cache/plm-peers/dt/bin/activate
    python Benchmarks/datatrove/make_minhash_golden.py            # writes the fixture next to the tests
    python Benchmarks/datatrove/make_minhash_golden.py -o FILE

For each text, computed by datatrove itself (0.10.1, default MinhashConfig: 5-grams, 14 buckets x 8 hashes,
seed 1, xxhash64; default TextNormConfig):
  text        the input
  simplified  datatrove.utils.text.simplify_text(text)
  words       simplified.split()   (the whitespace word tokenizer: str.split() with no argument)
  shingles    MinhashDedupSignature.get_shingles(text) with that tokenizer: xxh64 of " ".join(5-gram), in
              order, as decimal strings (JSON numbers lose precision above 2**53)
  signature   MinhashDedupSignature.get_signature(shingles) flattened to 112 decimal strings; null when
              there is no shingle (datatrove writes no signature for such a document)

Strings are written with ensure_ascii off, except that control, format, separator, private-use and
combining characters are \\u-escaped so the file stays readable and survives editors.
"""
import argparse
import json
import platform
import sys
import tempfile
import unicodedata
from pathlib import Path

import datatrove
import numpy as np
import regex
import xxhash
from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupSignature
from datatrove.utils.text import PUNCTUATION, simplify_text
from golden_json import json_string, json_value

DEFAULT_OUTPUT = Path(__file__).resolve().parents[2] / "Tests/CurationTests/Fixtures/minhash-golden.json"


class WhitespaceTokenizer:
    """datatrove word-tokenizer protocol, splitting like Python's str.split()."""

    def word_tokenize(self, text):
        return text.split()


PRINTABLE_PUNCTUATION = "".join(c for c in PUNCTUATION if ord(c) > 32 and not 127 <= ord(c) < 160)

PROSE = (
    "The old lighthouse stood at the edge of the harbour for nearly two hundred years, and in all that time "
    "its keepers wrote down the weather every evening. Their ledgers, now kept in the town library, describe "
    "storms that lasted for days, summers so calm that the fishing boats could not leave the quay, and winters "
    "when the ice reached halfway to the island. Historians have used these notes to reconstruct the climate "
    "of the coast, comparing them with the records of ships and with the rings of trees that grew on the "
    "headland. The handwriting changes many times. Some keepers wrote long paragraphs about the colour of the "
    "sky, the birds that rested on the gallery, or the visitors who climbed the narrow stairs to see the lamp. "
    "Others wrote only numbers: the pressure, the temperature, the direction of the wind. One keeper, who "
    "served for thirty-one years, added a small drawing to every page, and his sketches of clouds are so "
    "precise that meteorologists still recognise the types he drew. When the light was automated, the last "
    "keeper closed the final ledger with a short sentence thanking the sea for its patience. The building is "
    "now a museum. Children who visit are allowed to turn the great brass handle that once rotated the lens, "
    "and on clear nights volunteers switch on a small lamp in the lantern room so that the old tower is not "
    "entirely dark. Sailors say that they still look for it when they come home, even though their "
    "instruments no longer need it, because a light on the shore means that someone is waiting. The town has "
    "promised to keep the lamp burning for as long as there are volunteers willing to climb the stairs each "
    "evening and write a line about the weather in a new ledger."
)

CODE = '''import json
from pathlib import Path


def load_records(path: Path, limit: int | None = None) -> list[dict]:
    """Read up to `limit` JSON records from a JSONL file, skipping blank lines."""
    records = []
    with path.open("r", encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{line_number}: {error}") from error
            if limit is not None and len(records) >= limit:
                break
    return records


class Counter:
    def __init__(self, start=0, step=1):
        self.value = start
        self.step = step

    def __call__(self):
        self.value += self.step
        return self.value


if __name__ == "__main__":
    counter = Counter(step=2)
    rows = load_records(Path("data/input.jsonl"), limit=1_000)
    print(len(rows), counter(), counter(), {"ok": True, "ratio": 0.75, "items": [1, 2, 3]})
'''

NEAR = ("machine learning models need large amounts of clean text and careful deduplication "
        "removes repeated pages so that the model does not memorise them")

# (name, text). Every category the port must get right; keep names unique and stable.
CASES = [
    ("english_plain", "The quick brown fox jumps over the lazy dog near the river bank."),
    ("english_punctuated", "Hello, world! This is a test. Isn't it nice? Yes: it is; indeed (mostly) -- well..."),
    ("uppercase", "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG AGAIN"),
    ("mixed_case", "ThE qUiCk BrOwN fOx JuMpS oVeR tHe LaZy DoG aGaIn"),
    ("numbers_formats", "Prices rose 1,234.56 dollars on 2024-05-01 while pi is 3.14.15 and 42 or 007 items."),
    ("numbers_edges", "a1b2c3 1..2 1.a .5 5. 1,2,3 10,000,000 0x1F 1e10 -7 +8 v2.0.1 12:30 1/2 50%"),
    ("numbers_arabic_indic", "الرقم ١٢٣٫٤ و ٥٦٧،٨ و ۱۲۳ و ١٬٢٣٤ هنا الآن"),
    ("numbers_devanagari", "संख्या १२३ और ४५.६ और १२,३४ है। यह ठीक है॥"),
    ("numbers_fullwidth_and_other", "ｆｕｌｌ ｗｉｄｔｈ １２３ ４５６％ ＡＢＣ x² ½ ① Ⅻ 𝟙𝟚 1⎖5 1⎗2 1⎘3 1٫5 1،5"),
    ("number_adjacency", "ABC123DEF 4ever COVID-19 mp3 h2o route66 A1 B-52 3rd 21st"),
    ("punctuation_each", " ".join(f"left{c}right" for c in PRINTABLE_PUNCTUATION)),
    ("punctuation_run", "start" + PRINTABLE_PUNCTUATION + "end and " + PRINTABLE_PUNCTUATION[::-1] + " more words"),
    ("punctuation_only", "!!! ... ??? --- *** 、。「」"),
    ("quotes_and_dashes", "“smart” ‘quotes’ „low“ «guillemets» ‹single› — em – en ‐ hyphen ‑ nb ‒ figure ― bar … end"),
    ("symbols", "price $5 € 10 £ 20 ¥ 30 © ® ™ § ¶ † ‡ • · ° ± × ÷ → ← ∞ ≠ ≈ ► ━ ∶ ´"),
    ("control_chars", "a\x00b\x01c\x08d\te\nf\x0bg\x0ch\ri\x0ej\x1bk\x1cl\x1dm\x1en\x1fo\x7fp\x80q\x85r\x9fs\xa0t"),
    ("control_separated_words", "one\x1ctwo\x1dthree\x1efour\x1ffive\x85six\tseven\neight\x0bnine\x0cten\rend"),
    ("unicode_whitespace", "alpha\xa0beta\u2003gamma\u3000delta\u2028epsilon\u2029zeta\u202feta\u205ftheta"
                           "\u1680iota\u2000kappa\u200alambda\u2007mu"),
    ("format_characters", "zero\u200bwidth\u200cnon\u200djoiner\ufeffbom soft\xadhyphen word\u2060joiner "
                          "lrm\u200e rlm\u200f end"),
    ("accents_precomposed", "Café résumé naïve façade coöperate déjà vu Ångström"),
    ("accents_decomposed", unicodedata.normalize("NFD", "Café résumé naïve façade coöperate déjà vu Ångström")),
    ("turkish_dotted_i", "İstanbul ISTANBUL ıstanbul İSTANBUL istanbul Iİıi"),
    ("vietnamese", "Tiếng Việt có dấu thanh điệu rất phong phú và đẹp đẽ"),
    ("lone_combining_marks", " \u0301 start \u0301\u0308 middle words to fill \u0301 end"),
    ("marks_after_punctuation", "\u0301leading x.\u0301y (\u0327) done\u0301, ok \u20dd enclosed a\u0903b"),
    ("greek_final_sigma", "ΟΔΟΣ ΟΔΟΣ ΟΔΟΣ ΟΔΟΣ ΟΔΟΣ ΟΔΟΣ"),
    ("greek_sigma_contexts", "ΣΟΦΟΣ Σ ΑΣ. ΑΣ'Β ΟΔΟΣ1 ΟΔΟΣ's ΑΣ\u0301 ΑΣΑ σοφος"),
    ("greek_accents", "Ελληνικά ΆΈΉ τόνος ΐ ΰ Ώρα"),
    ("greek_question_mark", "Τι κάνεις; Τι κάνεις\u037e Καλά\u037e ευχαριστώ πολύ"),
    ("nfd_to_ascii_punctuation", "\u1fef varia \u1fee dialytika \u0387 ano \u2126 ohm \u212b angstrom \u212a kelvin"),
    ("cjk_no_spaces", "我们今天去公园散步然后吃了晚饭"),
    ("cjk_punctuation", "中文，标点！测试？（括号）【方括号】《书名》「引号」～完"),
    ("japanese_kana", "日本語のテキストは空白がありません。句読点、あります。パン"),
    ("halfwidth_katakana", "ｶﾀｶﾅ ﾊﾟﾝ ﾃｽﾄ です"),
    ("hangul", "한국어 텍스트 처리는 재미있습니다 안녕하세요 세계"),
    ("arabic", "اللغة العربية جميلة جدا، وهي لغة القرآن الكريم؟ مَرْحَبًا بِكُمْ"),
    ("hebrew", "שָׁלוֹם עולם זהו טקסט בעברית עם ניקוד וּמִלִּים נוספות"),
    ("rtl_mixed", "English then עברית then العربية 123 mixed ١٢ end"),
    ("hindi", "हिन्दी भाषा में लिखा गया पाठ है। यह अनुच्छेद परीक्षण के लिए है॥ क़"),
    ("thai", "ภาษาไทยไม่มีการเว้นวรรคระหว่างคำ แต่มีระหว่างประโยค"),
    ("cyrillic", "Москва ЁЛКА ёлка Україна їжак Ђорђе йод"),
    ("special_casing", "Straße STRASSE ß ẞ ǅ ǈ ﬁ ﬃ ŉ Ǳ"),
    ("astral_letters", "𝐇𝐞𝐥𝐥𝐨 𝕎𝕠𝕣𝕝𝕕 𐐀𐐨 Deseret 𝔄𝔅"),
    ("emoji", "I love 🍕 and 🎉 party 😀😃 with friends 👍🏽 ok"),
    ("emoji_zwj", "family 👨‍👩‍👧‍👦 rainbow 🏳️‍🌈 keycap 1️⃣ heart ❤️ flag 🇫🇷 done"),
    ("url_email", "Visit https://example.com/path?q=1&x=y#frag or mail me@example.org today!"),
    ("markdown", "# Title\n\n* item one\n* item two\n\n> quote **bold** _it_ `code` [link](http://x.y)"),
    ("crlf_lines", "line one\r\nline two\r\nline three\r\n\r\nline four"),
    ("tab_separated", "col1\tcol2\tcol3\nval1\tval2\tval3"),
    ("nul_bytes", "before\x00after null\x00\x00byte text here"),
    ("empty", ""),
    ("whitespace_only", " \t\n\r\x0b\x0c\xa0\u3000\u2028 "),
    ("four_words", "just four words here"),
    ("five_words", "exactly five words right here"),
    ("six_words", "now there are six words here"),
    ("five_words_messy", "  Five,   words!! WITH\tweird\n\nSPACING  "),
    ("four_words_after_simplify", "one - two -- three ... four"),
    ("repeated_word", "spam " * 30),
    ("near_duplicate_a", NEAR),
    ("near_duplicate_b", NEAR.replace("careful", "thorough")),
    ("prose_long", PROSE),
    ("code_python", CODE),
]


def compute(signer, text):
    simplified = simplify_text(text)
    words = simplified.split()
    shingles = signer.get_shingles(text)
    record = {
        "text": text,
        "simplified": simplified,
        "words": words,
        "shingles": [str(v) for v in shingles.ravel().tolist()],
        "signature": None,
    }
    if shingles.size:
        record["signature"] = [str(v) for bucket in signer.get_signature(shingles) for v in bucket]
    return record


# The readable JSON writer is shared with the other golden scripts.
def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()

    names = [name for name, _ in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    config = MinhashConfig()
    with tempfile.TemporaryDirectory() as tmp:
        signer = MinhashDedupSignature(output_folder=tmp, config=config)
        signer.word_tokenizer = WhitespaceTokenizer()
        records = [{"name": name, **compute(signer, text)} for name, text in CASES]

    # Sanity checks on what the fixture is meant to cover.
    by_name = {r["name"]: r for r in records}
    assert by_name["empty"]["signature"] is None and by_name["four_words"]["signature"] is None
    assert len(by_name["five_words"]["shingles"]) == 1 and len(by_name["six_words"]["shingles"]) == 2
    assert all(r["signature"] is None or len(r["signature"]) == 112 for r in records)
    assert all(" ".join(r["words"]) == " ".join(r["simplified"].split()) for r in records)

    header = {
        "generator": "Benchmarks/datatrove/make_minhash_golden.py",
        "datatrove": datatrove.__version__ if hasattr(datatrove, "__version__") else _dist_version("datatrove"),
        "python": platform.python_version(),
        "unicodedata": unicodedata.unidata_version,
        "numpy": np.__version__,
        "xxhash": xxhash.VERSION,
        "regex": regex.__version__,
        "config": {"n_grams": config.n_grams, "num_buckets": config.num_buckets,
                   "hashes_per_bucket": config.hashes_per_bucket, "seed": config.seed,
                   "hash": "xxhash64", "tokenizer": "str.split()"},
    }
    lines = ["{", f' "header": {json_value(header)},', ' "records": [']
    for i, record in enumerate(records):
        fields = [f'  {json_string(k)}: {json_value(v)}' for k, v in record.items()]
        lines.append(" {\n" + ",\n".join(fields) + "\n }" + ("," if i + 1 < len(records) else ""))
    lines.append(" ]")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    assert json.loads(text)["records"] == records, "the hand-written JSON must round-trip"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {len(records)} records, {len(text.encode())} bytes to {args.output}", file=sys.stderr)


def _dist_version(name):
    from importlib.metadata import version

    return version(name)


if __name__ == "__main__":
    main()
