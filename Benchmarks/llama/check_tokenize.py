"""Tokenizer parity through GGUF: llama.cpp (llama-cpp-python, vocabulary only) tokenizes texts from our
GGUF file to exactly the ids `plm tokenizer encode --allow-special` gives with the tokenizer folder the
file was made from. Special tokens written in the text are parsed on both sides; no BOS is added.
Also checks that llama.cpp decodes the ids back to the text and ends generation on <|im_end|> and
<|endoftext|>. Prints each mismatch with the first differing position; exit status 1 on any.

Run: . ~/.cache/plm-peers/llama/bin/activate && python Benchmarks/llama/check_tokenize.py FILE \
        --tokenizer shards/local/tokenizer [--plm .build/debug/plm] [--texts TEXT ...] [--random N]
(default texts: prose, code, CJK, emoji, whitespace runs, digits, ChatML markup and the tokenizer
peers' held-out texts, Benchmarks/tokenizers/heldout_texts.py)
"""
import argparse
import os
import random
import sys

from plm_gguf import ROOT, default_texts, llama_special_ids, llama_vocab, plm_encode, random_strings


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file")
    parser.add_argument("--tokenizer", required=True, help="the tokenizer folder the GGUF file was written from")
    parser.add_argument("--plm", default=os.path.join(ROOT, ".build", "debug", "plm"))
    parser.add_argument("--texts", nargs="*", help="texts to tokenize (default: the built-in set)")
    parser.add_argument("--random", type=int, default=0, metavar="N", help="also N seeded random strings")
    args = parser.parse_args()

    texts = (args.texts or default_texts()) + random_strings(random.Random(7), args.random)
    model = llama_vocab(args.file)
    ours = plm_encode(args.plm, args.tokenizer, texts)
    mismatches = 0
    special_mismatches = 0
    tokens = 0
    for text, expected in zip(texts, ours):
        got = model.tokenize(text.encode("utf-8"), add_bos=False, special=True)
        tokens += len(got)
        if got != expected:
            mismatches += 1
            first = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))
            print(f"MISMATCH {text[:60]!r}: llama.cpp {len(got)} ids, plm {len(expected)}; first difference at {first}: "
                  f"llama.cpp {got[first:first + 6]} plm {expected[first:first + 6]}")
            continue
        back = model.detokenize(got, special=True).decode("utf-8", errors="replace")
        if back != text:
            print(f"note: llama.cpp decodes {text[:40]!r} as {back[:40]!r}")

    special = llama_special_ids(model)
    vocab_tokens = [model.detokenize([i], special=True).decode("utf-8", errors="replace") for i in special["eog"]]
    print(f"llama.cpp ends generation on ids {special['eog']} {vocab_tokens}; BOS {special['bos']}, EOS {special['eos']}, "
          f"adds BOS: {special['add_bos']}")
    for end in ("<|im_end|>", "<|endoftext|>"):
        ids = model.tokenize(end.encode(), add_bos=False, special=True)
        if len(ids) != 1 or ids[0] not in special["eog"]:
            print(f"MISMATCH {end} is not a single end-of-generation token in llama.cpp ({ids})")
            special_mismatches += 1
    print(f"{len(texts) - mismatches} of {len(texts)} texts identical ({tokens} llama.cpp tokens), "
          f"{mismatches} mismatch(es)")
    sys.exit(1 if mismatches or special_mismatches else 0)


if __name__ == "__main__":
    main()
