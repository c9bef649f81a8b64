#!/usr/bin/env bash
# Memory and time of every data stage as the corpus grows: corpora of SIZES MB (default 40 400 4000, 10x
# apart) built by make_corpus.py from this machine's files, each run through ingest, dedup, filter, the
# tokenizer and packing twice: with a fixed task count (16) and with a fixed 16 tasks per GB. Every task
# runs as its own process (plm run --executor slurm with a stand-in sbatch that runs the jobs at once, one
# element after another), so its peak resident memory is its own. Prints, per stage, the largest task's
# peak and the stage's seconds per GB (summarize.py); the figures land in $WORK/results.jsonl.
#   Benchmarks/scale/run.sh [SIZE_MB...]        WORK=/tmp/plm-scale by default
#   MODES="per-gb" Benchmarks/scale/run.sh ...  only one of the two task settings (default: fixed per-gb)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${WORK:-/tmp/plm-scale}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(40 400 4000)
mkdir -p "$work"
if [ -z "${PLM_BIN:-}" ]; then
  (cd "$repo" && swift build -c release --product plm 2>&1 | tail -1)
  PLM_BIN=$repo/.build/release/plm
fi
export PATH=$repo/scripts/fake-slurm:$PATH
echo "scale: plm $("$PLM_BIN" env 2>/dev/null | grep -i -m1 'kernel\|coretype' || true)"

for size in "${sizes[@]}"; do
  corpus=$work/corpus-$size
  [ -d "$corpus" ] || python3 "$here/make_corpus.py" "$corpus" "$size"
  for mode in ${MODES:-fixed per-gb}; do
    if [ "$mode" = fixed ]; then tasks=16; else tasks=$(python3 -c "print(max(1, round($size / 1000 * 16)))"); fi
    run=$work/run-$size-$mode
    rm -rf "$run" "$work/fake-state"
    mkdir -p "$run" "$work/fake-state"
    cat > "$run/m.yaml" <<YAML
name: scale
sources:
  - {name: corpus, paths: $corpus, kind: jsonl, domain: prose}
phases:
  - {name: all, kind: pretrain, weights: {corpus: 1}}
YAML
    cat > "$run/p.yaml" <<YAML
name: scale
manifest: m.yaml
output: $run/out
workers: 2
ingest: {tasks: $tasks}
dedup: {cluster_buffer: 64MiB}
filters:
  word_tokenizer: whitespace
  by_domain: {default: [gopher_repetition, pii]}
tokenizer: {vocab_size: 8192, preset: qwen2, count_buffer: 64MiB, min_word_count: 2}
pack: {seq_len: 1024, val_fraction: 0.001}
YAML
    start=$(date +%s)
    FAKE_SLURM_DIR=$work/fake-state "$PLM_BIN" run "$run/p.yaml" --executor slurm --cpus-per-task 2 > "$run/submit.log" 2>&1
    if [ -s "$work/fake-state/failed" ]; then
      echo "scale: a job failed at $size MB ($mode): see $work/fake-state/*.log" >&2; exit 1
    fi
    echo "scale: $size MB, $mode ($tasks tasks): $(( $(date +%s) - start )) s"
    python3 "$here/summarize.py" "$run/out" --size-mb "$size" --mode "$mode" --tasks "$tasks" >> "$work/results.jsonl"
  done
done
python3 "$here/summarize.py" --table "$work/results.jsonl"
