#!/usr/bin/env python3
"""Per stage of a run folder: tasks, the largest task's peak resident memory, the summed task seconds.
    summarize.py RUN_OUT --size-mb N --mode M --tasks T   (one JSON line)
    summarize.py --table RESULTS.jsonl                     (the table of every line)"""
import argparse, glob, json, os

STAGES = ["ingest", "dedup/signatures", "dedup/buckets", "dedup/cluster", "dedup/remove", "filter",
          "tokenizer-counts", "tokenizer", "pack"]

def measure(out, size_mb, mode, tasks):
    row = {"size_mb": size_mb, "mode": mode, "tasks": tasks, "stages": {}}
    for stage in STAGES:
        stats = [json.load(open(p)) for p in glob.glob(os.path.join(out, "stats", stage, "*.json"))]
        if not stats:
            continue
        peaks = [s.get("peak_rss_bytes", s.get("peakResidentBytes", 0)) or 0 for s in stats]
        row["stages"][stage] = {"tasks": len(stats), "peak_mb": max(peaks) / 1e6,
                                "seconds": sum(s.get("seconds", 0) for s in stats)}
    return row

def table(path):
    rows = [json.loads(line) for line in open(path)]
    for mode in ("fixed", "per-gb"):
        chosen = sorted((r for r in rows if r["mode"] == mode), key=lambda r: r["size_mb"])
        if not chosen:
            continue
        print("\n%s task count: peak MB of the largest task | seconds per GB of corpus" % ("fixed" if mode == "fixed" else "16 tasks per GB,"))
        header = "%-18s" % "stage" + "".join("%22s" % ("%g MB (%d tasks)" % (r["size_mb"], r["tasks"])) for r in chosen)
        print(header)
        for stage in STAGES:
            cells = []
            for r in chosen:
                s = r["stages"].get(stage)
                cells.append("%22s" % ("-" if s is None else "%7.0f MB %7.1f s/GB" % (s["peak_mb"], s["seconds"] / (r["size_mb"] / 1000))))
            print("%-18s" % stage + "".join(cells))

parser = argparse.ArgumentParser()
parser.add_argument("out", nargs="?")
parser.add_argument("--size-mb", type=float)
parser.add_argument("--mode")
parser.add_argument("--tasks", type=int)
parser.add_argument("--table")
args = parser.parse_args()
if args.table:
    table(args.table)
else:
    print(json.dumps(measure(args.out, args.size_mb, args.mode, args.tasks)))
