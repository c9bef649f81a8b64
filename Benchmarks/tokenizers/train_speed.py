"""Times Hugging Face tokenizers (0.23.3) training on a JSONL file, for `plm-bench tokenizer-train`.

Reads the documents (field `text`) into memory first, then times `train_from_iterator` alone
(pre-tokenization, word counting and merges, on all cores as HF does by default). Prints one JSON
line: seconds, cpu_seconds (all threads, same span), peak_rss_mb (this process, documents included), tokens, merges; with --output also
writes {"tokens": [...], "merges": [[a, b], ...]} so the caller can compare the result with ours.

Run: /root/.cache/plm-peers/tok/bin/python Benchmarks/tokenizers/train_speed.py --input text.jsonl \
        --preset qwen2 --vocab-size 8000 [--min-frequency 2] [--output hf.json]
"""
import argparse
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from train_common import hf_tokenizer_and_trainer, model_of, read_documents  # noqa: E402


def cpu_seconds():
    """User + system CPU time of this process, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True, nargs="+")
    parser.add_argument("--preset", default="qwen2")
    parser.add_argument("--vocab-size", type=int, default=8000)
    parser.add_argument("--min-frequency", type=int, default=2)
    parser.add_argument("--output")
    args = parser.parse_args()
    documents = read_documents(args.input)
    tokenizer, trainer = hf_tokenizer_and_trainer(args.preset, args.vocab_size, args.min_frequency)
    start, cpu_start = time.perf_counter(), cpu_seconds()
    tokenizer.train_from_iterator(documents, trainer, length=len(documents))
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
    tokens, merges = model_of(json.loads(tokenizer.to_str()))
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            json.dump({"tokens": tokens, "merges": merges}, handle, ensure_ascii=False)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": peak, "tokens": len(tokens), "merges": len(merges),
                      "documents": len(documents), "bytes": sum(len(d.encode("utf-8")) for d in documents)}))


if __name__ == "__main__":
    main()
