#!/usr/bin/env python3
"""Write Tests/CurationTests/Fixtures/bad-input-golden.json: datatrove 0.10.1's decisions on the issue's bad
inputs: empty text, whitespace only, a single line of 50 MB (and one of 5 MB for the spaCy tokenizer, which
is too slow on 50 MB), text with U+FFFD where ingest replaced invalid surrogates, right-to-left and CJK
text, and a document that C4's line removal empties.

    ~/.cache/plm-peers/dt/bin/python Benchmarks/datatrove/make_bad_input_golden.py [-o FILE]

Records: `name`, `parts` (the text is each [piece, times] repeated and concatenated, so a 50 MB text
takes a line here), `tokenizer` (whitespace: str.split(); spacy: datatrove's default) and per filter,
each run alone with its defaults: the decision ("keep" or the reason) and, for the rewriting ones
(c4_quality when kept, pii), the output's length in code points and its first and last 100.
"""
import argparse
import os

from datatrove.data import Document
from datatrove.pipeline.filters import (C4ParagraphFilter, C4QualityFilter, FineWebQualityFilter,
                                        GopherQualityFilter, GopherRepetitionFilter)
from datatrove.pipeline.filters import fineweb_quality_filter, gopher_quality_filter, gopher_repetition_filter
from datatrove.pipeline.formatters import PIIFormatter
from golden_json import json_value

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "..", "Tests", "CurationTests", "Fixtures", "bad-input-golden.json")

LONG_UNIT = ("Contact john.doe@example.com or 8.8.8.8 about the café’s “best” offer: it's $5.50 — isn't it? "
             "The U.S. team won't say... ")
SURROGATES = ("The report was written in Z\ufffdrich by the team of the caf\ufffd and it was sent to the office. "
              "Some bytes \ufffd\ufffd could not be read, and the rest of the text was kept as it was. "
              "We have to say that the data is good and that the results are clear to all of us. "
              "The next step is to check the files with the tools that we have in the lab today. "
              "They will be able to read the text of the file \ufffd and to fix the broken parts. "
              "In the end all of the work was done, and the people were happy with the results.")
ARABIC = ["هذا نص عربي طويل بما يكفي لاختبار المرشحات وهو مكتوب من اليمين إلى اليسار.",
          "يجب أن تعمل المرشحات على هذا النص بدون أخطاء وأن تعطي نفس النتيجة.",
          "الكلمات هنا مفصولة بمسافات مثل اللغة الإنجليزية، لكن الحروف ليست لاتينية؟",
          "وهذا السطر الرابع يحتوي على رقم ١٢٣ وعلى رابط www.example.com أيضا.",
          "السطر الخامس ينتهي بنقطة كما هو متوقع في النص العادي.",
          "\u200fוזו שורה בעברית עם סימן כיוון מימין לשמאל, והיא מסתיימת בנקודה.\u200e"]
CJK = ["日本語の文章はスペースを使わずに書かれるので、空白で区切ると単語がほとんど見つかりません。",
       "これは二番目の文です。フィルターはこの文章を正しく処理しなければなりません。",
       "中文的句子也没有空格，所以按空白分词只会得到很少的词。",
       "这是第四个句子，它以句号结束。",
       "한국어 문장은 띄어쓰기를 사용하므로 공백으로 나누면 단어가 나옵니다.",
       "最後の行は英語を少し含みます: the end of the text."]

CASES = [
    ("empty", [["", 1]], ["whitespace", "spacy"]),
    ("whitespace_only", [[" \t\n\u3000\u00a0\n\r\n  \u2028 \x0c\n\n", 1]], ["whitespace", "spacy"]),
    ("single_line_50mb", [[LONG_UNIT, 50_000_000 // len(LONG_UNIT.encode()) + 1]], ["whitespace"]),
    ("single_line_5mb", [[LONG_UNIT, 5_000_000 // len(LONG_UNIT.encode()) + 1]], ["spacy"]),
    ("replaced_surrogates", [[SURROGATES.replace(". ", ".\n"), 1]], ["whitespace", "spacy"]),
    ("replaced_surrogates_paragraphs", [[SURROGATES.replace(". ", ".\n\n") + "\n\n", 3]], ["whitespace", "spacy"]),
    ("right_to_left", [["\n".join(ARABIC), 1]], ["whitespace", "spacy"]),
    ("right_to_left_long", [["\n".join(ARABIC) + "\n", 12]], ["whitespace", "spacy"]),
    ("cjk", [["\n".join(CJK), 1]], ["whitespace", "spacy"]),
    ("cjk_long", [["\n".join(CJK) + "\n", 12]], ["whitespace", "spacy"]),
    ("c4_empties", [["Home\nAbout us\nContact\n[1]\nPrivacy policy applies to all of this.\nThis site uses cookies.\n"
                     "Please enable javascript to see it.\n", 1]], ["whitespace", "spacy"]),
]


def summary(text):
    return {"length": len(text), "head": text[:100], "tail": text[-100:]}


def decide(text, tokenizer):
    split = (lambda t, language=None: t.split()) if tokenizer == "whitespace" else None
    saved = [(m, m.split_into_words) for m in (gopher_quality_filter, gopher_repetition_filter, fineweb_quality_filter)]
    if split:
        for module, _ in saved:
            module.split_into_words = split
    try:
        out = {}
        for name, make in [("gopher_repetition", GopherRepetitionFilter), ("gopher_quality", GopherQualityFilter),
                           ("c4_quality", C4QualityFilter), ("c4_paragraph", C4ParagraphFilter),
                           ("fineweb_quality", FineWebQualityFilter)]:
            doc = Document(text=text, id="x")
            result = make().filter(doc)
            kept, reason = (result, None) if not isinstance(result, tuple) else result
            entry = {"decision": "keep" if kept else (reason or "dropped")}
            if name == "c4_quality" and kept:
                entry["text"] = summary(doc.text)
            out[name] = entry
        out["pii"] = {"decision": "keep", "text": summary(PIIFormatter().format(text))}
        return out
    finally:
        for module, original in saved:
            module.split_into_words = original


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-o", "--output", default=DEFAULT_OUT)
    args = parser.parse_args()
    records = []
    for name, parts, tokenizers in CASES:
        text = "".join(piece * times for piece, times in parts)
        for tokenizer in tokenizers:
            records.append({"name": name, "parts": parts, "tokenizer": tokenizer, **decide(text, tokenizer)})
            print(name, tokenizer, {k: v["decision"] for k, v in records[-1].items() if isinstance(v, dict)}, flush=True)
    with open(args.output, "w", encoding="utf-8") as out:
        out.write("{\"records\":[\n")
        out.write(",\n".join(json_value(record) for record in records))
        out.write("\n]}\n")


if __name__ == "__main__":
    main()
