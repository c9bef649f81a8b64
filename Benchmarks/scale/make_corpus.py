#!/usr/bin/env python3
"""A reproducible corpus of any size from files every Debian machine has (the local manifest's: Debian docs,
license texts, the Python standard library), with seeded variations so that dedup has real work:
15% of documents are exact copies of an earlier one, 25% near copies (3% of words replaced), 60% new
documents spliced from paragraphs of three others with a unique line. JSON lines, 16 MiB per file.

    make_corpus.py OUT_FOLDER SIZE_MB [--seed N]
"""
import argparse, glob, gzip, json, os, random

def base_documents():
    paths = sorted(glob.glob("/usr/share/common-licenses/*"))
    paths += sorted(p for p in glob.glob("/usr/lib/python3*/**/*.py", recursive=True)
                    if "/test" not in p and "site-packages" not in p and "dist-packages" not in p)
    for pattern in ("README*", "NEWS*", "changelog*", "copyright", "*.txt", "*.md"):
        paths += sorted(glob.glob("/usr/share/doc/*/" + pattern))
    docs = []
    for path in paths:
        try:
            raw = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
        except (OSError, EOFError):
            continue
        text = raw.decode("utf-8", "replace")
        if len(text) > 200:
            docs.append(text[:200_000])
    return docs

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("size_mb", type=float)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    docs = base_documents()
    os.makedirs(args.out, exist_ok=True)
    target = int(args.size_mb * 1e6)
    written, index, part = 0, 0, 0
    made = []          # recent outputs, for copies
    out = None
    counts = {"exact": 0, "near": 0, "new": 0}
    while written < target:
        if out is None or out.tell() >= 16 << 20:
            if out:
                out.close()
            out = open(os.path.join(args.out, "part-%05d.jsonl" % part), "w", encoding="utf-8")
            part += 1
        roll = rng.random()
        if roll < 0.15 and made:
            text, kind = rng.choice(made), "exact"
        elif roll < 0.40 and made:
            words = rng.choice(made).split(" ")
            for _ in range(max(1, len(words) * 3 // 100)):
                words[rng.randrange(len(words))] = "w%x" % rng.getrandbits(24)
            text, kind = " ".join(words), "near"
        else:
            pieces = []
            for _ in range(3):
                paragraphs = rng.choice(docs).split("\n\n")
                start = rng.randrange(len(paragraphs))
                pieces.append("\n\n".join(paragraphs[start:start + 1 + rng.randrange(6)]))
            text, kind = "Document %d of seed %d.\n\n" % (index, args.seed) + "\n\n".join(pieces), "new"
        counts[kind] += 1
        if len(made) < 2000:
            made.append(text)
        else:
            made[rng.randrange(len(made))] = text
        line = json.dumps({"id": "doc-%08d" % index, "text": text}, ensure_ascii=False)
        out.write(line + "\n")
        written += len(line.encode("utf-8")) + 1
        index += 1
    out.close()
    print("make_corpus: %d documents, %.1f MB in %d files under %s (%s)" % (index, written / 1e6, part, args.out, counts))

main()
