#!/usr/bin/env python3
"""Write Tests/CurationTests/Fixtures/pii-cycle-golden.json: datatrove 0.10.1's PIIFormatter run over a
sequence of documents with ONE formatter, as one datatrove task runs it, so that its replacement lists
cycle across documents (the counters live in the formatter object and move on only when a match is
replaced: private IPs and malformed addresses do not advance them).

    ~/.cache/plm-peers/dt/bin/python Benchmarks/datatrove/make_pii_cycle_golden.py [-o FILE]

Runs: `config` (constructor arguments by datatrove's names; {} is the default) and `documents`, each
`text` and datatrove's `formatted` output, in the order the one formatter saw them.
"""
import argparse
import os
import random

from datatrove.pipeline.formatters import PIIFormatter
from golden_json import json_value

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "..", "Tests", "CurationTests", "Fixtures", "pii-cycle-golden.json")

FIXED = [
    "Write to alice@example.com or bob@example.org.",
    "No address here.",
    "",
    "Server at 8.8.8.8, backup 1.1.1.1 and the router 192.168.0.1 (private, kept).",
    "carol@mail.example.net",
    "Three: a@b.co, c@d.io; e@f.uk",
    "Loopback 127.0.0.1 and 10.0.0.7 stay; 203.0.113.9 is documentation (not global); 93.184.216.34 goes.",
    "Leading zeros 08.8.8.8 do not validate, 1.2.3.256 matches 1.2.3.25.",
    "dave@example.com sent 4.4.4.4 to erin@example.com from 9.9.9.9",
    "Unicode around: “frank@example.com” — 5.6.7.8…",
]


def generated(rng, count):
    names = ["x", "info", "john.doe", "a+b", "sales-team"]
    hosts = ["example.com", "corp.example.org", "uni.edu", "x.io"]
    docs = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(0, 5)):
            roll = rng.random()
            if roll < 0.4:
                parts.append(f"{rng.choice(names)}@{rng.choice(hosts)}")
            elif roll < 0.8:
                parts.append(".".join(str(rng.randint(1, 223)) for _ in range(4)))
            else:
                parts.append(rng.choice(["192.168.1.1", "10.1.2.3", "172.16.0.9", "0.0.0.0", "255.255.255.255"]))
        words = ["see", "and", "mail", "host", "then"]
        docs.append(" ".join(p + " " + rng.choice(words) for p in parts))
    return docs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-o", "--output", default=DEFAULT_OUT)
    args = parser.parse_args()
    rng = random.Random(4)
    documents = FIXED + generated(rng, 30)
    configs = [
        {},
        {"email_replacement": ["one@example.com", "two@example.com", "three@example.com"],
         "ip_replacement": "0.0.0.0"},
        {"only_remove_public_ips": False, "ip_replacement": ["1.0.0.1", "2.0.0.2"]},
    ]
    runs = []
    for config in configs:
        arguments = {k: tuple(v) if isinstance(v, list) else v for k, v in config.items()}
        formatter = PIIFormatter(**arguments)
        outputs = [{"text": text, "formatted": formatter.format(text)} for text in documents]
        runs.append({"config": config, "documents": outputs})
    with open(args.output, "w", encoding="utf-8") as out:
        out.write("{\"runs\":[\n")
        out.write(",\n".join(json_value(run) for run in runs))
        out.write("\n]}\n")


if __name__ == "__main__":
    main()
