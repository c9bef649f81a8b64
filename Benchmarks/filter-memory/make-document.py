#!/usr/bin/env python3
"""Writes one large English-like document that every default filter keeps (seeded, reproducible).

Words are drawn from a vocabulary of made-up words plus the stop words Gopher's quality filter
looks for, in sentences that end with a period, lines of a few sentences and paragraphs of a few
lines, so that no filter stops early and each one does all of its work on the whole text.

usage: make-document.py OUT_FILE MEGABYTES [SEED]
"""
import random
import sys

out_path, megabytes = sys.argv[1], float(sys.argv[2])
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
syllables = ["ka", "lo", "mi", "ter", "san", "do", "ri", "vel", "pon", "ta", "ne", "gu", "sor", "bi",
             "lan", "che", "mo", "fra", "zu", "ple", "ost", "ven", "ir", "qua"]
vocabulary = ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(60000)]
stop_words = ["the", "be", "to", "of", "and", "that", "have", "with"]
target = int(megabytes * 1_000_000)
written = 0
with open(out_path, "w", encoding="utf-8") as out:
    while written < target:
        paragraph = []
        for _ in range(rng.randint(2, 5)):
            sentences = []
            for _ in range(rng.randint(2, 4)):
                words = [rng.choice(stop_words) if rng.random() < 0.25 else rng.choice(vocabulary)
                         for _ in range(rng.randint(8, 18))]
                sentences.append(" ".join(words).capitalize() + ".")
            paragraph.append(" ".join(sentences))
        text = "\n".join(paragraph) + "\n\n"
        out.write(text)
        written += len(text)
