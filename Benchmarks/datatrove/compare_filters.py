"""datatrove 0.10.1's quality filters against plm's, filter by filter, on the same documents.

Reads documents ({"id", "text"} JSON lines, .jsonl or .jsonl.zst, or a folder of them such as plm's
`<root>/ingest/<source>/`), runs each datatrove filter on each document on its own (not as a chain)
and plm's (through `plm-bench filter-decisions`), and prints per filter: agreement (same keep/drop and
same reason; for C4 quality and PII also the same rewritten text), the disagreeing ids, and MB/s per core of
each side (UTF-8 bytes of the documents over CPU time: process time here, the thread's CPU time in plm-bench,
so a busy machine does not skew the ratio).
Word tokenizer: datatrove's default (spaCy, `spacy.blank("en")`) against plm's `spacy`, or with
`--tokenizer whitespace` both sides split words with `str.split()`.

usage (inside ../shared/peers/setup.sh dt's virtualenv):
    python Benchmarks/datatrove/compare_filters.py --plm-bench .build/release/plm-bench \\
        --corpus shards/local/ingest --limit-mb 20 [--tokenizer spacy|whitespace]
Exit status 1 when any filter agrees on less than --min-agreement (default 0.995; 1.0 for whitespace).
--datatrove-cache FILE keeps datatrove's side (decisions and speeds) between runs on the same documents.
"""
import argparse
import glob
import io
import json
import os
import subprocess
import sys
import tempfile
import time

import zstandard
from datatrove.data import Document
from datatrove.pipeline.filters import (C4ParagraphFilter, C4QualityFilter, FineWebQualityFilter,
                                        GopherQualityFilter, GopherRepetitionFilter)
from datatrove.pipeline.filters import c4_filters, fineweb_quality_filter, gopher_quality_filter, gopher_repetition_filter
from datatrove.pipeline.formatters import PIIFormatter

FILTERS = {
    "gopher_repetition": GopherRepetitionFilter,
    "gopher_quality": GopherQualityFilter,
    "c4_quality": C4QualityFilter,
    "c4_paragraph": C4ParagraphFilter,
    "fineweb_quality": FineWebQualityFilter,
}


def use_whitespace_words():
    """Make datatrove's filters split words with str.split(), as a whitespace word tokenizer does."""
    for module in (gopher_quality_filter, gopher_repetition_filter, fineweb_quality_filter):
        module.split_into_words = lambda text, language=None: text.split()


def read_documents(corpus, limit_bytes):
    paths = sorted(glob.glob(os.path.join(corpus, "**", "*.jsonl*"), recursive=True)) if os.path.isdir(corpus) else [corpus]
    docs, total = [], 0
    for path in paths:
        with open(path, "rb") as fh:
            raw = zstandard.ZstdDecompressor().stream_reader(fh) if path.endswith(".zst") else fh
            for line in io.TextIOWrapper(raw, encoding="utf-8"):
                if not line.strip():
                    continue
                record = json.loads(line)
                docs.append((record["id"], record["text"]))
                total += len(record["text"].encode("utf-8"))
                if total >= limit_bytes:
                    return docs, total
    return docs, total


def datatrove_decisions(docs, total):
    results, speed = {}, {}
    for name, make in list(FILTERS.items()) + [("pii", None)]:
        step = PIIFormatter() if name == "pii" else make()
        out = []
        start = time.process_time()
        for doc_id, text in docs:
            doc = Document(text=text, id=doc_id)
            if name == "pii":
                # One formatter for all documents, as one task: its replacements cycle across them,
                # as plm's do within a task.
                out.append({"decision": "keep", "text": step.format(doc.text)})
                continue
            result = step.filter(doc)
            kept, reason = (result, None) if not isinstance(result, tuple) else result
            entry = {"decision": "keep" if kept else (reason or "dropped")}
            if name == "c4_quality" and kept:
                entry["text"] = doc.text
            out.append(entry)
        speed[name] = total / 1e6 / (time.process_time() - start)
        results[name] = out
    # The full English set as a chain: the first drop ends a document's run.
    chain = [make() for name, make in FILTERS.items() if name != "c4_paragraph"]
    start = time.process_time()
    for doc_id, text in docs:
        doc = Document(text=text, id=doc_id)
        for step in chain:
            result = step.filter(doc)
            if not (result if not isinstance(result, tuple) else result[0]):
                break
    speed["english_set"] = total / 1e6 / (time.process_time() - start)
    return results, speed


def plm_decisions(plm_bench, docs, tokenizer):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for doc_id, text in docs:
            fh.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
        path = fh.name
    try:
        run = subprocess.run([plm_bench, "filter-decisions", "--input", path, "--tokenizer", tokenizer],
                             capture_output=True, text=True, check=True)
    finally:
        os.unlink(path)
    # "\n" only: str.splitlines() would also cut at U+2028, U+0085, ... inside the JSON strings.
    lines = [line for line in run.stdout.split("\n") if line]
    speed = json.loads(lines[-1])["mb_per_s"]
    results = {name: [] for name in list(FILTERS) + ["pii"]}
    for line in lines[:-1]:
        record = json.loads(line)
        for name in results:
            results[name].append(record[name])
    return results, speed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--plm-bench", required=True)
    parser.add_argument("--limit-mb", type=float, default=20)
    parser.add_argument("--tokenizer", choices=["spacy", "whitespace"], default="spacy")
    parser.add_argument("--min-agreement", type=float)
    parser.add_argument("--datatrove-cache", help="JSON file: datatrove's decisions and speeds are read from it when "
                        "it exists (made from the same corpus, limit and tokenizer), else computed and written to it")
    parser.add_argument("--show", type=int, default=10, help="disagreeing ids shown per filter")
    args = parser.parse_args()
    if args.tokenizer == "whitespace":
        use_whitespace_words()
    minimum = args.min_agreement if args.min_agreement is not None else (1.0 if args.tokenizer == "whitespace" else 0.995)
    docs, total = read_documents(args.corpus, int(args.limit_mb * 1e6))
    print(f"{len(docs)} documents, {total / 1e6:.1f} MB, word tokenizer: {args.tokenizer}")
    key = {"corpus": os.path.abspath(args.corpus), "documents": len(docs), "bytes": total, "tokenizer": args.tokenizer}
    cached = None
    if args.datatrove_cache and os.path.exists(args.datatrove_cache):
        with open(args.datatrove_cache, encoding="utf-8") as fh:
            cached = json.load(fh)
        if cached.get("key") != key:
            sys.exit(f"{args.datatrove_cache} was made from other documents or another tokenizer: {cached.get('key')}")
    if cached:
        theirs, their_speed = cached["decisions"], cached["speed"]
        print(f"datatrove's decisions and speeds from {args.datatrove_cache}")
    else:
        theirs, their_speed = datatrove_decisions(docs, total)
        if args.datatrove_cache:
            with open(args.datatrove_cache, "w", encoding="utf-8") as fh:
                json.dump({"key": key, "decisions": theirs, "speed": their_speed}, fh, ensure_ascii=False)
    ours, our_speed = plm_decisions(args.plm_bench, docs, args.tokenizer)
    failed = False
    print(f"{'filter':18} {'agree':>8} {'differ':>7}   {'datatrove MB/s':>14} {'plm MB/s':>9} {'speed-up':>8}   (per core, CPU time)")
    for name in theirs:
        differing = [docs[i][0] for i, (a, b) in enumerate(zip(theirs[name], ours[name])) if a != b]
        agreement = 1 - len(differing) / max(1, len(docs))
        failed |= agreement < minimum
        print(f"{name:18} {agreement:8.2%} {len(differing):7d}   {their_speed[name]:14.2f} {our_speed[name]:9.1f} "
              f"{our_speed[name] / their_speed[name]:7.0f}x")
        for doc_id in differing[:args.show]:
            i = next(k for k, d in enumerate(docs) if d[0] == doc_id)
            print(f"    {doc_id}: datatrove {theirs[name][i]['decision']!r}, plm {ours[name][i]['decision']!r}")
    print(f"{'english set':18} {'':8} {'':7}   {their_speed['english_set']:14.2f} {our_speed['english_set']:9.1f} "
          f"{our_speed['english_set'] / their_speed['english_set']:7.0f}x")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
