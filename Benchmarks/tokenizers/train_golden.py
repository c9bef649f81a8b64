"""Goldens for BPE training, made with Hugging Face tokenizers (0.23.3).

Writes Tests/TokenizationTests/Fixtures/train-corpus.json (about 200 KB of documents) and
train-golden.json: for each case (every preset at vocab 1000 with the default special tokens and
the full byte alphabet, plus one with min_frequency, one special token and only the bytes seen),
the vocabulary in id order and the merges HF trains on that corpus. BPETrainerParityTests trains
on the same documents and must produce the same lists.

Run: ../shared/peers/setup.sh tok, then
  /root/.cache/plm-peers/tok/bin/python Benchmarks/tokenizers/train_golden.py \
      [--corpus-from shards/local/filter/output/*/*.jsonl.zst]
Without --corpus-from the committed corpus is reused and only the goldens are made again.
"""
import argparse
import json
import os
import sys

import tokenizers

sys.path.insert(0, os.path.dirname(__file__))
from train_common import DEFAULT_SPECIAL_TOKENS, hf_train, read_documents  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "TokenizationTests", "Fixtures")
CORPUS = os.path.join(FIXTURES, "train-corpus.json")
GOLDEN = os.path.join(FIXTURES, "train-golden.json")

CASES = [
    dict(name="gpt2-1k", preset="gpt2", vocab_size=1000, min_frequency=0, special_tokens=DEFAULT_SPECIAL_TOKENS,
         full_alphabet=True),
    dict(name="llama3-1k", preset="llama3", vocab_size=1000, min_frequency=0, special_tokens=DEFAULT_SPECIAL_TOKENS,
         full_alphabet=True),
    dict(name="qwen2-1k", preset="qwen2", vocab_size=1000, min_frequency=0, special_tokens=DEFAULT_SPECIAL_TOKENS,
         full_alphabet=True),
    # Stops on min_frequency before the vocabulary fills; the alphabet is only the bytes seen.
    dict(name="qwen2-minfreq", preset="qwen2", vocab_size=8000, min_frequency=40, special_tokens=["<|endoftext|>"],
         full_alphabet=False),
]

# Text the local corpus lacks: other scripts, emoji, digits, whitespace edges, contractions in any
# case, CRLF, and the special tokens written literally (HF trains on them as ordinary text).
EXTRA = [
    "Le café où nous étions était fermé; l'été dernier, c'était différent. Ça m'étonne!",
    "Größere Übungen müssen geprüft werden, sagte der Bäcker. Straße, Maß, Fuß.",
    "你好，世界！我们今天学习分词器。分词器把文本切成小块。你好你好世界世界。",
    "日本語のテキストです。トークナイザーの学習をしています。カタカナとひらがな。",
    "한국어 텍스트입니다. 토크나이저를 학습합니다. 안녕하세요 안녕하세요.",
    "Привет, мир! Это тест токенизатора. Привет ещё раз, мир.",
    "مرحبا بالعالم. هذا اختبار للمقسم. مرحبا مرحبا.",
    "Emoji: 😀😀 👍🏽 🇫🇷 👨‍👩‍👧 ❤️ ✨✨✨ 😀 end",
    "Numbers 1234567890, 3.14159, 1,000,000 and ١٢٣٤ and ²³ and Ⅻ; version 2.0.10 on 2024-01-31.",
    "IT'S, It's, it'S; WE'RE we're We'Re; I'VE I've; I'M I'm; WE'LL we'll; HE'D he'd; DON'T don't 'tis.",
    "line one\r\nline two\r\n\r\n  indented\ttab\t\tend \n\n\n   \u00a0nbsp\u0085nel\u2028ls\u2029ps\x1c\x1d\x1e\x1f.",
    "<|endoftext|> literal specials <|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\nHi.<|im_end|>\n",
    "def f(x):\r\n    return x**2  # square\r\n\r\nif __name__ == '__main__':\r\n    print(f(12345))\r\n",
]


def build_corpus(paths, budget=190_000):
    """About `budget` bytes of documents spread over the files (every file contributes in turn)."""
    per_file = [read_documents([path]) for path in sorted(paths)]
    chosen, size, round_index = [], 0, 0
    while size < budget and any(round_index < len(docs) for docs in per_file):
        for docs in per_file:
            if round_index < len(docs):
                doc = docs[round_index][:6000]
                chosen.append(doc)
                size += len(doc.encode("utf-8"))
        round_index += 1
    return chosen + EXTRA * 3


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus-from", nargs="*", help="JSONL(.zst) or text files to draw the corpus from")
    args = parser.parse_args()
    if args.corpus_from:
        documents = build_corpus(args.corpus_from)
        with open(CORPUS, "w", encoding="utf-8") as handle:
            json.dump({"documents": documents}, handle, ensure_ascii=False, indent=0)
            handle.write("\n")
    with open(CORPUS, encoding="utf-8") as handle:
        documents = json.load(handle)["documents"]
    cases = []
    for case in CASES:
        tokens, merges = hf_train(documents, case["preset"], case["vocab_size"], case["min_frequency"],
                                  case["special_tokens"], case["full_alphabet"])
        cases.append(dict(case, tokens=tokens, merges=merges))
        print(f"{case['name']}: {len(tokens)} tokens, {len(merges)} merges", file=sys.stderr)
    with open(GOLDEN, "w", encoding="utf-8") as handle:
        json.dump({"hf_tokenizers": tokenizers.__version__, "documents": len(documents), "cases": cases}, handle,
                  ensure_ascii=False, indent=0)
        handle.write("\n")


if __name__ == "__main__":
    main()
