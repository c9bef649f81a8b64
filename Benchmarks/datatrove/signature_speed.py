"""datatrove 0.10.1 MinHash signature throughput on the same documents plm reads.

Reads plm ingest output (`<root>/ingest/<source>/<task>.jsonl.zst`), takes documents in order until
--limit-mb of text, and runs datatrove's MinhashDedupSignature over them on one core, once with its
default English word tokenizer and once with a whitespace tokenizer. Prints one JSON line.

usage: python signature_speed.py --root shards/local --limit-mb 4
(run inside `../shared/peers/setup.sh dt`'s virtualenv; plm-bench dedup calls it)
"""
import argparse
import glob
import io
import json
import tempfile
import time

import zstandard
from datatrove.data import Document
from datatrove.pipeline.dedup.minhash import MinhashDedupSignature


class WhitespaceTokenizer:
    def word_tokenize(self, text):
        return text.split()


def load(root, limit_bytes):
    docs, total = [], 0
    for path in sorted(glob.glob(f"{root}/ingest/*/*.jsonl.zst")):
        with open(path, "rb") as fh:
            reader = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(fh), encoding="utf-8")
            for line in reader:
                record = json.loads(line)
                docs.append(Document(text=record["text"], id=record["id"]))
                total += len(record["text"].encode("utf-8"))
                if total >= limit_bytes:
                    return docs, total
    return docs, total


def measure(docs, tokenizer):
    with tempfile.TemporaryDirectory() as out:
        step = MinhashDedupSignature(output_folder=out)
        if tokenizer is not None:
            step.word_tokenizer = tokenizer
        start = time.perf_counter()
        step.run(iter(docs), rank=0, world_size=1)
        return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--limit-mb", type=float, default=4)
    args = parser.parse_args()
    docs, total = load(args.root, int(args.limit_mb * 1e6))
    default_seconds = measure(docs, None)
    whitespace_seconds = measure(docs, WhitespaceTokenizer())
    print(json.dumps({
        "documents": len(docs), "bytes": total,
        "default_tokenizer_mb_s": total / 1e6 / default_seconds,
        "whitespace_tokenizer_mb_s": total / 1e6 / whitespace_seconds,
    }))


if __name__ == "__main__":
    main()
