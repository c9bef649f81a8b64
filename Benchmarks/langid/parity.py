"""fastText parity on full-size models: the `fasttext` package and `plm langid predict` on the same lines, top k
labels and float32 probabilities compared exactly.

    ~/.cache/plm-peers/langid/bin/python Benchmarks/langid/parity.py --plm .build/release/plm \
        --model shards/langid/model.bin --texts /tmp/langid-split/test-short.txt [--k 3] [--limit 20000]

Run it on our built-in model (fastText reads our file) and on a model fastText trained (we read its file).
"""
import argparse
import subprocess
import tempfile

import fasttext
import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--plm", default=".build/release/plm")
    parser.add_argument("--model", required=True)
    parser.add_argument("--texts", required=True, help="`__label__x text` lines, or plain lines")
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--limit", type=int, default=20000)
    args = parser.parse_args()
    texts = []
    with open(args.texts, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("__label__"):
                line = line.split(" ", 1)[1] if " " in line else ""
            if line.strip():
                texts.append(line)
            if len(texts) == args.limit:
                break
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        f.write("\n".join(texts) + "\n")
        path = f.name
    out = subprocess.run([args.plm, "langid", "predict", "--model", args.model, "-k", str(args.k), path],
                         check=True, capture_output=True, text=True).stdout.splitlines()
    model = fasttext.load_model(args.model)
    same_labels = same_all = 0
    worst = 0.0
    for text, line in zip(texts, out):
        fields = line.split("\t", 1)[0].split(" ")
        ours = [(fields[i], np.float32(fields[i + 1])) for i in range(0, len(fields) - 1, 2)]
        theirs = [(label[len("__label__"):], np.float32(p)) for p, label in model.f.predict(text + "\n", args.k, 0.0, "strict")]
        if [l for l, _ in ours] == [l for l, _ in theirs]:
            same_labels += 1
            if all(a == b for (_, a), (_, b) in zip(ours, theirs)):
                same_all += 1
            worst = max([worst] + [abs(float(a) - float(b)) for (_, a), (_, b) in zip(ours, theirs)])
    print(f"{args.model}: {len(texts)} lines, k={args.k}: same labels in order {same_labels}/{len(texts)}, "
          f"same labels and float32 probabilities {same_all}/{len(texts)}, largest probability difference {worst:g}")


if __name__ == "__main__":
    main()
