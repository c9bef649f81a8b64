"""Trains Hugging Face tokenizers (0.23.3) and `plm tokenizer train` on the same texts, for each preset
and vocab size, and compares the merges and vocabularies (identical, or the first difference).
Our tokenizer.json is read back by HF too (Tokenizer.from_file), so the file written is what is compared.

Run: ../shared/peers/setup.sh tok; swift build -c release; then
  /root/.cache/plm-peers/tok/bin/python Benchmarks/tokenizers/train_compare.py \
      [--plm .build/release/plm] [--input shards/local/filter/output/*/*.jsonl.zst] \
      [--presets gpt2 llama3 qwen2] [--vocab-sizes 1000 8000 32000] [--min-frequency 2]
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

from tokenizers import Tokenizer

sys.path.insert(0, os.path.dirname(__file__))
from train_common import DEFAULT_SPECIAL_TOKENS, first_difference, hf_train, model_of, read_documents  # noqa: E402


def describe(kind, ours, theirs):
    index = first_difference(ours, theirs)
    if index is None:
        return f"{kind} identical ({len(ours)})"
    mine = ours[index] if index < len(ours) else "(none)"
    hf = theirs[index] if index < len(theirs) else "(none)"
    return f"{kind} differ at {index}: ours {mine!r}, HF {hf!r} (counts {len(ours)} vs {len(theirs)})"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--plm", default=".build/release/plm")
    parser.add_argument("--input", nargs="*")
    parser.add_argument("--presets", nargs="*", default=["gpt2", "llama3", "qwen2"])
    parser.add_argument("--vocab-sizes", nargs="*", type=int, default=[1000, 8000, 32000])
    parser.add_argument("--min-frequency", type=int, default=2)
    args = parser.parse_args()
    inputs = args.input or sorted(glob.glob("shards/local/filter/output/*/*.jsonl.zst"))
    if not inputs:
        sys.exit("no input: run `plm run pipelines/local.yaml` first, or pass --input")
    documents = read_documents(inputs)
    size = sum(len(d.encode("utf-8")) for d in documents)
    print(f"{len(documents)} documents, {size / 1e6:.1f} MB from {len(inputs)} files; min_frequency "
          f"{args.min_frequency}; special tokens {DEFAULT_SPECIAL_TOKENS}")
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        for preset in args.presets:
            for vocab_size in args.vocab_sizes:
                start = time.perf_counter()
                tokens, merges = hf_train(documents, preset, vocab_size, args.min_frequency)
                hf_seconds = time.perf_counter() - start
                folder = os.path.join(scratch, f"{preset}-{vocab_size}")
                start = time.perf_counter()
                subprocess.run([args.plm, "tokenizer", "train", "--quiet", "--preset", preset, "--vocab-size",
                                str(vocab_size), "--min-frequency", str(args.min_frequency), "--output", folder]
                               + inputs, check=True, stderr=subprocess.DEVNULL)
                plm_seconds = time.perf_counter() - start
                path = os.path.join(folder, "tokenizer.json")
                with open(path, encoding="utf-8") as handle:
                    our_tokens, our_merges = model_of(json.load(handle))
                loaded = Tokenizer.from_file(path)
                loads = "loads in HF" if loaded.get_vocab_size() == len(our_tokens) else "HF vocab size differs"
                verdicts = [describe("merges", our_merges, merges), describe("vocab", our_tokens, tokens)]
                if any("differ" in v for v in verdicts):
                    failures += 1
                print(f"{preset:6} {vocab_size:6}: {'; '.join(verdicts)}; {loads}; "
                      f"HF {hf_seconds:.1f} s, plm {plm_seconds:.1f} s (process, reading included)")
    print("all identical" if failures == 0 else f"{failures} configurations differ")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
