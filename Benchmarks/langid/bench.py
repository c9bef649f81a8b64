"""Language identification beside its peers, on the held-out packages' catalogs, in one run.

    .build/release/plm langid export --output /tmp/langid-split         # the split (train / test files)
    .build/release/plm langid train --output shards/langid/model.bin    # the built-in model (same split)
    ~/.cache/plm-peers/langid/bin/python Benchmarks/langid/bench.py /tmp/langid-split \
        --plm .build/release/plm --model shards/langid/model.bin

Systems: ours (plm), fastText trained here on the same training file with our settings, lingua
(high accuracy), py3langid, pycld2. Each runs on one thread over the same texts; speed counts classification
only (models loaded first). A peer is scored on the languages it knows (its shared set), and ours is scored
beside it on exactly that set. Peers that do not tell Chinese scripts apart are scored on `zh` for both
sides; labels with a script suffix other than zh's (sr-Latn, be-Latn, ...) are left out of their sets.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"      # one core per system, numpy's BLAS included

import fasttext  # noqa: E402
import py3langid  # noqa: E402
import py3langid.langid  # noqa: E402
import pycld2  # noqa: E402
from lingua import LanguageDetectorBuilder  # noqa: E402


def read_labelled(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            label, text = line.rstrip("\n").split(" ", 1)
            rows.append((label[len("__label__"):], text))
    return rows


def capped(rows, per_label, seed):
    rng = random.Random(seed)
    by_label = {}
    for label, text in rows:
        by_label.setdefault(label, []).append(text)
    out = []
    for label in sorted(by_label):
        texts = by_label[label]
        rng.shuffle(texts)
        out += [(label, t) for t in texts[:per_label]]
    return out


def timed(texts, classify):
    answers = []
    start = time.perf_counter()
    for text in texts:
        answers.append(classify(text))
    return answers, time.perf_counter() - start


# Each peer: its name for a text's language (mapped to our codes), and the set of our labels it can answer.
def script_free(label):
    return label if "-" not in label else ("zh" if label.startswith("zh-") else None)


def lingua_system():
    detector = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()
    from lingua import Language
    known = set()
    for language in Language.all():
        code = language.iso_code_639_1.name.lower()
        known.add({"nb": "nb", "nn": "nn"}.get(code, code))

    def classify(text):
        language = detector.detect_language_of(text)
        return language.iso_code_639_1.name.lower() if language else ""
    return classify, known, script_free


def py3langid_system():
    py3langid.classify("load")                 # the model loads on first use
    identifier = py3langid.langid.IDENTIFIER
    known = set(identifier.nb_classes)
    retired = {"no": "nb", "iw": "he", "in": "id"}
    known = {retired.get(code, code) for code in known}

    def classify(text):
        code = identifier.classify(text)[0]
        return retired.get(code, code)
    return classify, known, script_free


def pycld2_system():
    retired = {"iw": "he", "no": "nb", "jw": "jv", "in": "id", "zh": "zh-Hans", "tl": "tl", "mo": "ro"}
    known = {retired.get(code, code) for _, code in pycld2.LANGUAGES}

    def classify(text):
        try:
            _, _, details = pycld2.detect(text)
        except pycld2.error:
            return ""
        code = details[0][1]
        return "" if code == "un" else retired.get(code, code)
    # CLD2 tells Simplified (zh) from Traditional (zh-Hant): labels stay as ours.
    return classify, known, lambda label: label


def fasttext_system(train_path, settings):
    for seed in range(10):
        try:
            model = fasttext.train_supervised(train_path, thread=2, seed=seed, verbose=0, **settings)
            break
        except RuntimeError as error:          # fasttext 0.9.3 "Encountered NaN." on some seeds
            if "NaN" not in str(error):
                raise
    labels = {label[len("__label__"):] for label in model.labels}

    def classify(text):
        pairs = model.f.predict(text.replace("\n", " ") + "\n", 1, 0.0, "strict")
        return pairs[0][1][len("__label__"):] if pairs else ""
    return classify, labels, lambda label: label, model


def score(rows, answers, mapping, allowed):
    """Per-language accuracy over the rows whose (mapped) label is in `allowed`."""
    per = {}
    for (label, _), answer in zip(rows, answers):
        key = mapping(label)
        if key is None or key not in allowed:
            continue
        hit = answer != "" and mapping(answer) == key
        total, correct = per.get(key, (0, 0))
        per[key] = (total + 1, correct + (1 if hit else 0))
    if not per:
        return per, 0.0, 0.0
    macro = sum(c / t for t, c in per.values()) / len(per)
    micro = sum(c for _, c in per.values()) / sum(t for t, _ in per.values())
    return per, macro, micro


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("split")
    parser.add_argument("--plm", default=".build/release/plm")
    parser.add_argument("--model", default="shards/langid/model.bin")
    parser.add_argument("--per-language", type=int, default=100, help="texts per language and set")
    parser.add_argument("--json", help="write every figure here")
    parser.add_argument("--save-fasttext", help="keep the fastText model trained on the split here (for parity.py)")
    args = parser.parse_args()

    sets = {name: capped(read_labelled(os.path.join(args.split, f"test-{name}.txt")), args.per_language, 0)
            for name in ("short", "joined")}
    work = tempfile.mkdtemp(prefix="langid-bench-")
    paths = {}
    for name, rows in sets.items():
        paths[name] = os.path.join(work, f"{name}.txt")
        with open(paths[name], "w", encoding="utf-8") as f:
            for label, text in rows:
                f.write(f"__label__{label} {text}\n")
    ours_json = os.path.join(work, "ours.json")
    subprocess.run([args.plm, "langid", "eval", "--model", args.model, "--texts", paths["short"], "--texts",
                    paths["joined"], "--predictions", work, "--json", ours_json], check=True, stdout=subprocess.DEVNULL)
    with open(ours_json) as f:
        ours_timing = json.load(f)
    answers = {"ours": {}}
    seconds = {"ours": 0.0}
    for name in sets:
        with open(os.path.join(work, f"{name}.txt.predictions"), encoding="utf-8") as f:
            answers["ours"][name] = [line.rstrip("\n") for line in f]
        seconds["ours"] += ours_timing[paths[name]]["seconds"]
    ours_labels = {label for rows in sets.values() for label, _ in rows}

    settings = dict(loss="softmax", dim=16, minn=1, maxn=4, bucket=200000, epoch=10, lr=0.8, minCount=1000000000)
    peers = {}
    classify, labels, mapping, trained = fasttext_system(os.path.join(args.split, "train.txt"), settings)
    if args.save_fasttext:
        trained.save_model(args.save_fasttext)
    peers["fasttext (same split)"] = (classify, labels, mapping)
    peers["lingua"] = lingua_system()
    peers["py3langid"] = py3langid_system()
    peers["pycld2"] = pycld2_system()
    for peer, (classify, _, _) in peers.items():
        answers[peer] = {}
        seconds[peer] = 0.0
        for name, rows in sets.items():
            result, spent = timed([text for _, text in rows], classify)
            answers[peer][name] = result
            seconds[peer] += spent

    total_bytes = sum(len(text.encode("utf-8")) for rows in sets.values() for _, text in rows)
    figures = {"texts": {name: len(rows) for name, rows in sets.items()}, "bytes": total_bytes, "systems": {}}
    print(f"Texts: {len(sets['short'])} short (< 50 chars), {len(sets['joined'])} joined (5 messages), "
          f"at most {args.per_language} per language, {len(ours_labels)} languages; {total_bytes / 1e6:.2f} MB in all.")
    print()
    print("| system | languages | short macro | short micro | joined macro | joined micro | MB/s per core |"
          " ours on that set: short macro / micro, joined macro / micro |")
    print("|---|---|---|---|---|---|---|---|")
    ours_speed = total_bytes / seconds["ours"] / 1e6
    rows_out = [("ours (plm)", ours_labels, lambda label: label)] + [(p, v[1], v[2]) for p, v in peers.items()]
    for system, known, mapping in rows_out:
        key = "ours" if system == "ours (plm)" else system
        allowed = {mapping(label) for label in ours_labels if mapping(label) is not None} & set(known)
        own = [score(sets[name], answers[key][name], mapping, allowed) for name in ("short", "joined")]
        beside = [score(sets[name], answers["ours"][name], mapping, allowed) for name in ("short", "joined")]
        speed = total_bytes / seconds[key] / 1e6
        figures["systems"][system] = {
            "languages": len(allowed), "mb_per_s": speed,
            "short": {"macro": own[0][1], "micro": own[0][2], "per_language": own[0][0]},
            "joined": {"macro": own[1][1], "micro": own[1][2], "per_language": own[1][0]},
            "ours_on_set": {"short": beside[0][1:], "joined": beside[1][1:]},
        }
        print(f"| {system} | {len(allowed)} | {own[0][1]:.2%} | {own[0][2]:.2%} | {own[1][1]:.2%} | {own[1][2]:.2%} "
              f"| {speed:.2f} | {beside[0][1]:.2%} / {beside[0][2]:.2%}, {beside[1][1]:.2%} / {beside[1][2]:.2%} |")
    print()
    print(f"Ours: {ours_speed:.1f} MB/s per core; " + ", ".join(
        f"{ours_speed / (total_bytes / seconds[p] / 1e6):.1f}x {p}" for p in peers))
    print()
    print("Per language (short / joined accuracy; a dash where the system does not know the language):")
    print()
    systems = ["ours (plm)"] + list(peers)
    print("| language | texts | " + " | ".join(systems) + " |")
    print("|---|---|" + "---|" * len(systems))
    for label in sorted(ours_labels):
        cells = []
        for system in systems:
            per_short = figures["systems"][system]["short"]["per_language"]
            per_joined = figures["systems"][system]["joined"]["per_language"]
            mapping = rows_out[systems.index(system)][2]
            key = mapping(label)
            if key is None or key not in per_short:
                cells.append("-")
                continue
            s_total, s_correct = per_short[key]
            j_total, j_correct = per_joined.get(key, (0, 0))
            joined = f"{j_correct / j_total:.0%}" if j_total else "n/a"
            cells.append(f"{s_correct / s_total:.0%} / {joined}")
        count = sum(1 for l, _ in sets["short"] if l == label)
        print(f"| {label} | {count} | " + " | ".join(cells) + " |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, indent=1, default=list)


if __name__ == "__main__":
    main()
