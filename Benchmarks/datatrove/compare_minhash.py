#!/usr/bin/env python3
"""End-to-end MinHash near-dedup comparison: datatrove 0.10.1 against `plm dedup`.

    . ~/.cache/plm-peers/dt/bin/activate
    python Benchmarks/datatrove/compare_minhash.py --plm .build/release/plm --corpus DIR_OR_JSONL --tasks 4
    python Benchmarks/datatrove/compare_minhash.py --generate 5000 --corpus /tmp/mh-corpus --tasks 4 \
        --plm .build/release/plm            # writes a synthetic near-duplicate corpus first
    python Benchmarks/datatrove/compare_minhash.py --corpus /tmp/mh-corpus --tasks 4   # datatrove only

The corpus (one JSONL file, .jsonl.zst/.jsonl.gz too, or a folder of them, read in sorted order) is first
rewritten into `<work>/input/00000.jsonl ... ` (`--tasks` files, contiguous runs of records, each record
`{"id", "text"}`), so datatrove's ranks, plm's ingest tasks (sorted files round-robin: task i reads file i)
and document indices line up. Records both sides would refuse are dropped there and counted: a missing or
empty text, whitespace-only text, a NUL character (plm's ingest treats it as binary) or a lone surrogate.

datatrove: JsonlReader -> MinhashDedupSignature (default MinhashConfig; the word tokenizer replaced by
str.split(), which is what plm's `words` shingling does) -> MinhashDedupBuckets (num_buckets tasks) ->
MinhashDedupCluster (1 task) -> MinhashDedupFilter. Its removals are the (rank, document index) pairs of
the `.remove` files, mapped to record ids; the filter's exclusion writer output is read as a cross-check.

plm: a temporary manifest (one source `corpus`, kind jsonl) and pipeline (`dedup: {exact: {enabled: false},
minhash: {keep: datatrove}}`), `plm ingest` then `plm dedup`. Its removals are the ids in
`<output>/dedup/clusters/*.removed.jsonl` (`corpus/<file>#<record index>`), mapped back to record ids; the
removed documents in `<output>/dedup/removed/corpus/*.jsonl.zst` (original id in `metadata.id`) are read as
a cross-check when present.

Prints the number of documents, both removal counts, the size of the symmetric difference and up to 20
differing ids with the start of their text. Exit status 1 when the removal sets differ. The summary goes to
stdout; datatrove's and plm's logs go to stderr (datatrove's also to <work>/datatrove/logs/).
Needs orjson in the virtualenv (datatrove's JsonlReader imports it): pip install orjson.
"""
import argparse
import gzip
import io
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

RECORD_SUFFIXES = (".jsonl", ".jsonl.zst", ".jsonl.gz", ".ndjson")


class WhitespaceTokenizer:
    """datatrove's word-tokenizer protocol, splitting like Python's str.split()."""

    def word_tokenize(self, text):
        return text.split()

    def sent_tokenize(self, text):
        return [text]

    def span_tokenize(self, text):
        return [(0, len(text))]


# ---------------------------------------------------------------------------------------------------
# Synthetic corpus


def make_vocabulary(rng, size=3000):
    onsets = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "y", "z",
              "bl", "br", "ch", "cl", "cr", "dr", "fl", "fr", "gl", "gr", "pl", "pr", "sh", "sl", "sp", "st",
              "str", "th", "tr", "wh", ""]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "oa", "oo", "ou", "ie", "y"]
    codas = ["", "", "n", "r", "s", "t", "l", "m", "nd", "ng", "nt", "st", "ck", "sh", "th", "rd", "ll", "ss"]
    words = set(["the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be",
                 "by", "on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have"])
    while len(words) < size:
        syllables = rng.choice([1, 1, 2, 2, 2, 3, 3, 4])
        words.add("".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(syllables)))
    return sorted(words)


def render(words, rng):
    """Words -> text with sentences, capitals, punctuation and the odd number, as a web page might have."""
    out, start = [], True
    for i, word in enumerate(words):
        if rng.random() < 0.01:
            word = rng.choice([str(rng.randint(0, 9999)), f"{rng.randint(1, 99)}.{rng.randint(0, 99)}",
                               f"{rng.randint(1900, 2030)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"])
        if start:
            word = word[:1].upper() + word[1:]
            start = False
        if i + 1 < len(words):
            roll = rng.random()
            if roll < 0.07:
                word += "."
                start = True
            elif roll < 0.10:
                word += ","
            elif roll < 0.105:
                word += rng.choice(["?", "!", ";", ":"])
        out.append(word)
    text = " ".join(out) + "."
    if rng.random() < 0.2:  # paragraphs
        parts = text.split(". ")
        text = ".\n\n".join(parts[j] for j in range(len(parts)))
    return text


def edit(words, rng, vocabulary, edits):
    words = list(words)
    for _ in range(edits):
        if not words:
            break
        op, at = rng.random(), rng.randrange(len(words))
        if op < 0.5:
            words[at] = rng.choice(vocabulary)
        elif op < 0.75:
            words.insert(at, rng.choice(vocabulary))
        else:
            del words[at]
    return words


def generate(folder: Path, count: int, files: int, seed: int):
    """`count` documents in `files` JSONL files; about a third are edited copies of earlier ones."""
    rng = random.Random(seed)
    vocabulary = make_vocabulary(random.Random(12345))
    weights = [1.0 / (rank + 10) for rank in range(len(vocabulary))]  # Zipf-like
    originals = []  # word lists that copies are made from
    docs = []
    for index in range(count):
        if originals and rng.random() < 0.35:
            base = rng.choice(originals)
            # From verbatim copies (and copies differing only in case and punctuation) to heavy rewrites,
            # so that pairs fall on both sides of the LSH threshold.
            fraction = rng.choice([0, 0, 0.005, 0.01, 0.02, 0.05, 0.08, 0.12, 0.2, 0.3, 0.5])
            words = edit(base, rng, vocabulary, round(len(base) * fraction))
        else:
            words = rng.choices(vocabulary, weights=weights, k=rng.randint(20, 400))
            originals.append(words)
        if rng.random() < 0.01:
            words = words[: rng.randint(0, 4)]  # too short for a shingle: never a duplicate
        text = render(words, rng) if words else "Short."
        docs.append({"id": f"doc-{index:06d}", "text": text})
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("[0-9]*.jsonl"):
        old.unlink()
    write_split(folder, docs, files)
    print(f"generated {count} documents in {files} files under {folder}", file=sys.stderr)


# ---------------------------------------------------------------------------------------------------
# Input preparation


def open_text(path: Path):
    if path.name.endswith(".zst"):
        import zstandard

        return io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(path.open("rb")), encoding="utf-8")
    if path.name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open("r", encoding="utf-8")


def read_corpus(corpus: Path):
    """(records, dropped reasons): records as {"id", "text"} in file order, then line order."""
    if corpus.is_dir():
        paths = sorted(p for p in corpus.rglob("*") if p.is_file() and p.name.endswith(RECORD_SUFFIXES))
    else:
        paths = [corpus]
    if not paths:
        sys.exit(f"no JSONL files in {corpus}")
    records, dropped, seen = [], {}, set()

    def drop(reason):
        dropped[reason] = dropped.get(reason, 0) + 1

    for path in paths:
        relative = path.relative_to(corpus) if corpus.is_dir() else path.name
        with open_text(path) as handle:
            for line_number, line in enumerate(handle):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError:
                    drop("malformed JSON")
                    continue
                text = data.get("text") if isinstance(data, dict) else None
                if not isinstance(text, str) or not text.strip():
                    drop("no text")
                    continue
                if "\x00" in text:
                    drop("NUL character")
                    continue
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    drop("lone surrogate")
                    continue
                doc_id = str(data["id"]) if data.get("id") is not None else f"{relative}#{line_number}"
                if doc_id in seen:
                    doc_id = f"{doc_id}@{relative}#{line_number}"
                seen.add(doc_id)
                records.append({"id": doc_id, "text": text})
    return records, dropped


def write_split(folder: Path, records, files: int):
    """Contiguous runs of records into 00000.jsonl ... ; returns the ids of each file in order."""
    per_file, extra = divmod(len(records), files)
    ids, start = [], 0
    for index in range(files):
        end = start + per_file + (1 if index < extra else 0)
        chunk = records[start:end]
        with (folder / f"{index:05d}.jsonl").open("w", encoding="utf-8") as out:
            for record in chunk:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        ids.append([record["id"] for record in chunk])
        start = end
    return ids


# ---------------------------------------------------------------------------------------------------
# datatrove


def run_datatrove(input_folder: Path, work: Path, tasks: int, workers: int, file_ids):
    try:
        import orjson  # noqa: F401  (JsonlReader needs it; the peers' `dt` group does not install it)
    except ImportError:
        sys.exit("datatrove's JsonlReader needs orjson: pip install orjson (in the dt virtualenv)")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup import (MinhashDedupBuckets, MinhashDedupCluster, MinhashDedupFilter,
                                          MinhashDedupSignature)
    from datatrove.pipeline.dedup.minhash import MinhashConfig
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    config = MinhashConfig()
    base = work / "datatrove"
    signer = MinhashDedupSignature(output_folder=str(base / "signatures"), config=config)
    signer.word_tokenizer = WhitespaceTokenizer()

    def reader():
        return JsonlReader(str(input_folder), glob_pattern="*.jsonl", compression=None)

    def executor(pipeline, count, name):
        return LocalPipelineExecutor(pipeline=pipeline, tasks=count, workers=min(workers, count),
                                     logging_dir=str(base / "logs" / name))

    executor([reader(), signer], tasks, "signatures").run()
    executor([MinhashDedupBuckets(input_folder=str(base / "signatures"), output_folder=str(base / "buckets"),
                                  config=config)], config.num_buckets, "buckets").run()
    executor([MinhashDedupCluster(input_folder=str(base / "buckets"), output_folder=str(base / "remove_ids"),
                                  config=config)], 1, "clusters").run()
    executor([reader(),
              MinhashDedupFilter(input_folder=str(base / "remove_ids"),
                                 exclusion_writer=JsonlWriter(str(base / "removed"), compression=None)),
              JsonlWriter(str(base / "kept"), compression=None)], tasks, "filter").run()

    removed = set()
    for rank in range(tasks):
        path = base / "remove_ids" / f"{rank:06d}.remove"
        if not path.exists():
            continue
        data = path.read_bytes()
        for (index,) in struct.iter_unpack("<I", data):
            removed.add(file_ids[rank][index])
    # Cross-check: the documents the filter actually excluded.
    excluded = set()
    for path in sorted((base / "removed").glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            excluded.update(json.loads(line)["id"] for line in handle if line.strip())
    if excluded != removed:
        print(f"warning: datatrove's .remove files name {len(removed)} documents but its filter excluded "
              f"{len(excluded)} ({len(removed ^ excluded)} differ)", file=sys.stderr)
    return removed


# ---------------------------------------------------------------------------------------------------
# plm


def run_plm(plm: Path, input_folder: Path, work: Path, tasks: int, file_ids):
    base = work / "plm"
    base.mkdir(parents=True, exist_ok=True)
    output = base / "plm-out"
    manifest = base / "manifest.yaml"
    pipeline = base / "pipeline.yaml"
    manifest.write_text(
        "name: cmp\n"
        "sources:\n"
        "  - name: corpus\n"
        f"    paths: {json.dumps(str(input_folder))}\n"
        "    kind: jsonl\n"
        "    domain: web\n", encoding="utf-8")
    pipeline.write_text(
        "name: cmp\n"
        f"manifest: {json.dumps(str(manifest))}\n"
        f"output: {json.dumps(str(output))}\n"
        "ingest:\n"
        f"  tasks: {tasks}\n"
        "dedup:\n"
        "  exact:\n"
        "    enabled: false\n"
        "  minhash:\n"
        "    keep: datatrove\n", encoding="utf-8")
    for command in ("ingest", "dedup"):
        print(f"$ {plm} {command} {pipeline}", file=sys.stderr)
        result = subprocess.run([str(plm), command, str(pipeline)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)
        if result.returncode != 0:
            sys.stderr.write(result.stdout)
            sys.exit(f"plm {command} failed with status {result.returncode}")

    by_location = {(f"{index:05d}.jsonl", line): doc_id
                   for index, ids in enumerate(file_ids) for line, doc_id in enumerate(ids)}
    pattern = re.compile(r"^corpus/(?P<file>[^#!]+)#(?P<index>\d+)$")
    removed, unmapped = set(), []
    lists = sorted((output / "dedup" / "clusters").glob("*.removed.jsonl"))
    if not lists:
        sys.exit(f"plm wrote no {output}/dedup/clusters/*.removed.jsonl")
    for path in lists:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                plm_id = json.loads(line)["id"]
                match = pattern.match(plm_id)
                key = (Path(match["file"]).name, int(match["index"])) if match else None
                if key in by_location:
                    removed.add(by_location[key])
                else:
                    unmapped.append(plm_id)

    # Cross-check (and fallback for ids of an unexpected shape): the removed documents themselves.
    written = set()
    for path in sorted((output / "dedup" / "removed" / "corpus").glob("*.jsonl.zst")):
        with open_text(path) as handle:
            written.update(str(json.loads(line)["metadata"]["id"]) for line in handle if line.strip())
    if unmapped:
        if not written:
            sys.exit(f"cannot map {len(unmapped)} plm ids to records, e.g. {unmapped[0]!r}")
        print(f"note: {len(unmapped)} plm ids had an unexpected shape; using dedup/removed/ instead", file=sys.stderr)
        removed = written
    elif written and written != removed:
        print(f"warning: plm's removed list names {len(removed)} documents but dedup/removed/ holds "
              f"{len(written)} ({len(removed ^ written)} differ)", file=sys.stderr)
    ingested = count_ingested(output)
    return removed, ingested


def count_ingested(output: Path):
    """Documents plm's ingest wrote (None when its output is not where expected)."""
    paths = sorted((output / "ingest" / "corpus").glob("*.jsonl.zst"))
    if not paths:
        return None
    total = 0
    for path in paths:
        with open_text(path) as handle:
            total += sum(1 for line in handle if line.strip())
    return total


# ---------------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="a JSONL(.zst/.gz) file or a folder of them")
    parser.add_argument("--plm", type=Path, help="the plm executable; without it only datatrove runs")
    parser.add_argument("--tasks", type=int, default=4, help="input files = datatrove ranks = plm ingest tasks")
    parser.add_argument("--workers", type=int, default=1, help="datatrove worker processes (default 1)")
    parser.add_argument("--generate", type=int, metavar="N",
                        help="first write a synthetic near-duplicate corpus of N documents into --corpus (a folder)")
    parser.add_argument("--seed", type=int, default=1, help="seed of --generate")
    parser.add_argument("--work", type=Path, help="keep intermediates here (default: a temporary folder, removed)")
    args = parser.parse_args()
    if args.tasks < 1:
        parser.error("--tasks must be at least 1")

    if args.generate is not None:
        generate(args.corpus, args.generate, args.tasks, args.seed)
    plm = args.plm.resolve() if args.plm else None
    if plm and not os.access(plm, os.X_OK):
        parser.error(f"{plm} is not an executable")

    temporary = None
    if args.work:
        work = args.work.resolve()
        if work.exists():
            shutil.rmtree(work)
        work.mkdir(parents=True)
    else:
        temporary = tempfile.TemporaryDirectory(prefix="compare-minhash-")
        work = Path(temporary.name)
    try:
        records, dropped = read_corpus(args.corpus.resolve())
        input_folder = work / "input"
        input_folder.mkdir()
        file_ids = write_split(input_folder, records, args.tasks)
        text_of = {record["id"]: record["text"] for record in records}

        dt_removed = run_datatrove(input_folder, work, args.tasks, args.workers, file_ids)
        print(f"documents: {len(records)}" + (f" (dropped before both: {dropped})" if dropped else ""))
        print(f"datatrove removed: {len(dt_removed)}")
        if plm is None:
            print("plm: not run (no --plm)")
            return 0

        plm_removed, ingested = run_plm(plm, input_folder, work, args.tasks, file_ids)
        if ingested is not None and ingested != len(records):
            print(f"warning: plm ingested {ingested} of {len(records)} documents")
        print(f"plm removed: {len(plm_removed)}")
        only_dt = sorted(dt_removed - plm_removed)
        only_plm = sorted(plm_removed - dt_removed)
        print(f"symmetric difference: {len(only_dt) + len(only_plm)}")
        shown = [("datatrove only", doc_id) for doc_id in only_dt] + [("plm only", doc_id) for doc_id in only_plm]
        for side, doc_id in shown[:20]:
            print(f"  {side:14s} {doc_id}: {text_of[doc_id][:80]!r}")
        return 1 if shown else 0
    finally:
        if temporary:
            temporary.cleanup()


if __name__ == "__main__":
    sys.exit(main())
