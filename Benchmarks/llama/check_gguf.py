"""Reads a GGUF file with gguf-py's GGUFReader (an independent parser), prints its keys and tensors,
and checks them against what llama.cpp's `plm` loader requires: every key present with the value type
its typed getter accepts, exactly the tensors src/models/plm.cpp creates (no output.weight: the head is
tied) with those ggml shapes, tensor types f32/f16/q8_0 with 1-D tensors in f32, a known
pre-tokenizer name, token types, and a vocabulary as long as the embedding. Exit status 1 on any problem.

Run: . ~/.cache/plm-peers/llama/bin/activate && python Benchmarks/llama/check_gguf.py FILE [--load]
(--load also opens the file with llama-cpp-python, vocabulary only, and prints its special ids.)
"""
import argparse
import sys

import numpy as np
from gguf import GGUFReader, GGMLQuantizationType

from plm_gguf import OPTIONAL_KEYS, PRE_NAMES, REQUIRED_KEYS, expected_tensors, field_value, llama_special_ids, llama_vocab


def show(value):
    if isinstance(value, list):
        head = ", ".join(repr(v) for v in value[:5])
        return f"[{len(value)}: {head}{', ...' if len(value) > 5 else ''}]"
    text = repr(value)
    return text if len(text) < 90 else text[:87] + "..."


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file")
    parser.add_argument("--load", action="store_true", help="also load the vocabulary with llama-cpp-python")
    args = parser.parse_args()

    reader = GGUFReader(args.file)
    problems = []
    kv = {}
    print(f"{args.file}: alignment {reader.alignment}, {len(reader.fields)} fields, {len(reader.tensors)} tensors")
    for name, field in reader.fields.items():
        if name.startswith("GGUF."):
            continue
        kv[name] = field_value(field)
        types = "/".join(t.name for t in field.types)
        print(f"  {name:42} {types:14} {show(kv[name])}")
        wanted = REQUIRED_KEYS.get(name) or OPTIONAL_KEYS.get(name)
        if wanted and field.types[0].name != wanted:
            problems.append(f"key {name} is {types}, llama.cpp reads {wanted}")
    for name in REQUIRED_KEYS:
        if name not in kv:
            problems.append(f"key {name} is missing")
    if problems:
        report(problems)

    if kv["general.architecture"] != "plm":
        problems.append(f"general.architecture is {kv['general.architecture']!r}")
    if kv["tokenizer.ggml.model"] != "gpt2":
        problems.append(f"tokenizer.ggml.model is {kv['tokenizer.ggml.model']!r}")
    if kv["tokenizer.ggml.pre"] not in PRE_NAMES:
        problems.append(f"tokenizer.ggml.pre {kv['tokenizer.ggml.pre']!r} is none of {sorted(PRE_NAMES)}")
    if kv["plm.attention.head_count_kv"] != kv["plm.attention.head_count"]:
        problems.append("head_count_kv differs from head_count")
    tokens, types = kv["tokenizer.ggml.tokens"], kv["tokenizer.ggml.token_type"]
    if len(types) != len(tokens):
        problems.append(f"{len(types)} token types for {len(tokens)} tokens")
    if set(types) - {1, 3, 4, 5}:
        problems.append(f"token types {sorted(set(types) - {1, 3, 4, 5})} in a byte-level BPE vocabulary")
    if len(set(tokens)) != len(tokens):
        problems.append("duplicate token texts (llama.cpp asserts they are unique)")
    if "plm.vocab_size" in kv and kv["plm.vocab_size"] != len(tokens):
        problems.append(f"plm.vocab_size {kv['plm.vocab_size']} but {len(tokens)} tokens")
    for i, merge in enumerate(kv["tokenizer.ggml.merges"]):
        if merge.find(" ", 1) < 0:
            problems.append(f"merge {i} {merge!r} has no separating space")
            break

    expected = expected_tensors(kv)
    seen = set()
    allowed = {GGMLQuantizationType.F32, GGMLQuantizationType.F16, GGMLQuantizationType.Q8_0}
    counts = {}
    for t in reader.tensors:
        shape = [int(x) for x in t.shape]
        counts[t.tensor_type.name] = counts.get(t.tensor_type.name, 0) + 1
        print(f"  {t.name:34} {str(shape):14} {t.tensor_type.name:5} offset {t.data_offset}")
        seen.add(t.name)
        if t.name not in expected:
            problems.append(f"tensor {t.name} is not created by llama.cpp's plm loader (it would refuse the file)")
            continue
        if shape != expected[t.name]:
            problems.append(f"tensor {t.name} has shape {shape}, llama.cpp wants {expected[t.name]}")
        if t.tensor_type not in allowed:
            problems.append(f"tensor {t.name} has type {t.tensor_type.name}")
        if len(shape) == 1 and t.tensor_type != GGMLQuantizationType.F32:
            problems.append(f"1-D tensor {t.name} is {t.tensor_type.name}, llama.cpp's converter keeps F32")
        if t.data_offset % reader.alignment:
            problems.append(f"tensor {t.name} data at {t.data_offset} is not {reader.alignment}-aligned")
        if not np.all(np.isfinite(dequantized(t))):
            problems.append(f"tensor {t.name} holds non-finite values")
    for name in sorted(set(expected) - seen):
        problems.append(f"tensor {name} is missing")
    print(f"  types: {counts}")

    if args.load:
        model = llama_vocab(args.file)
        special = llama_special_ids(model)
        print(f"  llama.cpp: bos {special['bos']} eos {special['eos']} add_bos {special['add_bos']} "
              f"eog {[(i, tokens[i]) for i in special['eog']]} control {special['control'][:8]}")
        for text in ("<|im_end|>", "<|endoftext|>"):
            if text in tokens and tokens.index(text) not in special["eog"]:
                problems.append(f"llama.cpp does not end generation on {text}")
        if special["add_bos"]:
            problems.append("llama.cpp would add a BOS token")
    report(problems)


def dequantized(tensor):
    from gguf.quants import dequantize
    return dequantize(tensor.data, tensor.tensor_type)


def report(problems):
    if problems:
        print(f"{len(problems)} problem(s):")
        for p in problems:
            print("  - " + p)
        sys.exit(1)
    print("OK: the file is what llama.cpp's plm loader expects")


if __name__ == "__main__":
    main()
