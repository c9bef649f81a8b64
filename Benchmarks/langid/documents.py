"""Language identification speed on whole documents (one per line), as the pipeline's language filter sees them,
beside pycld2 and py3langid on the same lines, one thread each, classification only (CPU time for the peers; ours
is `plm-bench langid-speed`, best and median of its passes).

    swift build -c release --product plm-bench
    ~/.cache/plm-peers/langid/bin/python Benchmarks/langid/documents.py DOCS.txt \
        --bench .build/release/plm-bench --model shards/langid/model.bin

DOCS.txt: one document per line (newlines inside a document replaced by spaces), e.g. the local run's
debian-docs documents after dedup (docs/LANGID.md, "In the pipeline").
"""
import argparse
import os
import re
import subprocess
import tempfile
import time

import py3langid
import py3langid.langid
import pycld2


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("documents")
    parser.add_argument("--bench", default=".build/release/plm-bench")
    parser.add_argument("--model", default="shards/langid/model.bin")
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    with open(args.documents, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    total = sum(len(line.encode("utf-8")) for line in lines)
    print(f"{len(lines)} documents, {total / 1e6:.1f} MB")

    with tempfile.TemporaryDirectory(prefix="langid-docs-") as work:
        labelled = os.path.join(work, "documents.txt")
        with open(labelled, "w", encoding="utf-8") as f:
            for line in lines:
                f.write(f"__label__en {line}\n")        # the label is not scored here
        out = subprocess.run([args.bench, "langid-speed", "--model", args.model, "--passes", str(args.passes), labelled],
                             check=True, capture_output=True, text=True).stdout
    best, median = map(float, re.search(r"best ([0-9.]+), median ([0-9.]+)", out).groups())
    print(f"ours (plm): {median:.1f} MB/s per core (median of {args.passes} passes; best {best:.1f})")

    def cld(text):
        try:
            pycld2.detect(text)
        except pycld2.error:
            pass
    py3langid.classify("load")
    identifier = py3langid.langid.IDENTIFIER
    for name, classify in [("pycld2", cld), ("py3langid", identifier.classify)]:
        start = time.process_time()
        for line in lines:
            classify(line)
        rate = total / (time.process_time() - start) / 1e6
        print(f"{name}: {rate:.2f} MB/s per core; ours {median / rate:.1f}x")


if __name__ == "__main__":
    main()
