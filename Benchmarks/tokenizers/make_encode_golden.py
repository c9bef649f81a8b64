"""Encoder goldens, made with Hugging Face tokenizers (0.23.3).

Trains three small byte-level BPE tokenizers with HF, one per split preset, in the shapes the encoder
must load: `gpt2` as `plm tokenizer train` writes it; `llama3` with `ignore_merges: true`; `qwen2`
as a Qwen2-style file (NFC normaliser, special tokens outside the trained vocabulary, a non-special
added token). Saves each as Tests/TokenizationTests/Fixtures/tokenizer_<preset>.json with
encode_<preset>.json: HF's ids for the held-out texts (heldout_texts.py), with and without special
tokens recognised.

Run: /root/.cache/plm-peers/tok/bin/python Benchmarks/tokenizers/make_encode_golden.py
"""
import glob
import json
import os
import sys

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from heldout_texts import SPECIALS, TEXTS  # noqa: E402
from patterns import PATTERNS  # noqa: E402

ROOT = os.path.join(HERE, "..", "..")
FIXTURES = os.path.join(ROOT, "Tests", "TokenizationTests", "Fixtures")


def training_texts():
    """Text from the repository itself (docs and sources), plus a little multilingual text."""
    texts = []
    for pattern in ["docs/*.md", "Sources/**/*.swift", "Benchmarks/**/*.py"]:
        for path in sorted(glob.glob(os.path.join(ROOT, pattern), recursive=True)):
            with open(path, encoding="utf-8") as f:
                texts.append(f.read())
    texts += ["\u4f60\u597d\u4e16\u754c\u3002\u4eca\u5929\u5929\u6c14\u5f88\u597d\u3002" * 20,
              "Caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00e9t\u00e9 " * 20, "\U0001f600 \u2764\ufe0f " * 20,
              "12345 67890 3.14159 1,000,000 " * 20]
    return texts


def build(preset, vocab_size):
    tokenizer = Tokenizer(models.BPE())
    if preset == "qwen2":
        tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(PATTERNS[preset]), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    # Qwen2 and Llama 3 files keep their special tokens after the trained vocabulary.
    in_vocab_specials = SPECIALS if preset == "gpt2" else []
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=in_vocab_specials,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator(training_texts(), trainer)
    if preset != "gpt2":
        tokenizer.add_special_tokens(SPECIALS)
    if preset == "qwen2":
        tokenizer.add_tokens(["<tool_call>", "</tool_call>"])
    data = json.loads(tokenizer.to_str())
    if preset == "llama3":
        data["model"]["ignore_merges"] = True
        tokenizer = Tokenizer.from_str(json.dumps(data))
    return tokenizer


def main():
    for preset, vocab_size in [("gpt2", 1000), ("llama3", 1200), ("qwen2", 1100)]:
        tokenizer = build(preset, vocab_size)
        path = os.path.join(FIXTURES, f"tokenizer_{preset}.json")
        tokenizer.save(path)
        tokenizer = Tokenizer.from_file(path)
        cases = []
        for text in TEXTS:
            with_special = tokenizer.encode(text, add_special_tokens=False).ids
            tokenizer.encode_special_tokens = True
            without_special = tokenizer.encode(text, add_special_tokens=False).ids
            tokenizer.encode_special_tokens = False
            cases.append({"text": text, "ids": with_special, "ids_without_special": without_special})
        with open(os.path.join(FIXTURES, f"encode_{preset}.json"), "w", encoding="utf-8") as out:
            json.dump({"preset": preset, "cases": cases}, out, ensure_ascii=True)
            out.write("\n")
        print(f"{preset}: vocab {tokenizer.get_vocab_size()}, {len(cases)} texts -> {path}")


if __name__ == "__main__":
    main()
