"""Encoding speed of Hugging Face tokenizers and tiktoken on the same vocabulary and text as
`plm-bench tokenizer-encode` (which runs this script and prints all figures in one table).

  encode_speed.py train --input text.jsonl --vocab-size 32000 --preset qwen2 --output tokenizer.json
      trains the benchmark vocabulary with HF (our tokenizer.json shape) when none is given.
  encode_speed.py bench --input text.jsonl --tokenizer tokenizer.json [--threads N]
      times HF (tokenizer.json loaded as is) and tiktoken (an Encoding built from the same vocabulary:
      ranks = ids, the same split pattern), one thread (wall and thread CPU time) and all threads, and
      prints one JSON line with MB/s, token counts and an id checksum (the same arithmetic as plm-bench's).

Run with the peer venv: /root/.cache/plm-peers/tok/bin/python.
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from patterns import PATTERNS  # noqa: E402

MASK = (1 << 64) - 1


def read_texts(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


def checksum(batches):
    """sum over all ids of (id + 1) * mix(position) mod 2^64, positions counted across documents."""
    import numpy as np
    total = np.uint64(0)
    position = 0
    golden = np.uint64(0x9E3779B97F4A7C15)
    with np.errstate(over="ignore"):
        for ids in batches:
            n = len(ids)
            positions = np.arange(position, position + n, dtype=np.uint64)
            mixed = positions * golden
            mixed ^= mixed >> np.uint64(29)
            values = np.asarray(ids, dtype=np.uint64) + np.uint64(1)
            total += np.sum(values * mixed, dtype=np.uint64)
            position += n
    return int(total), position


def train(args):
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(PATTERNS[args.preset]), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(vocab_size=args.vocab_size, special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator(read_texts(args.input), trainer)
    tokenizer.save(args.output)
    print(json.dumps({"vocab_size": tokenizer.get_vocab_size()}))


def tiktoken_encoding(tokenizer_path):
    import tiktoken
    with open(tokenizer_path, encoding="utf-8") as f:
        data = json.load(f)
    pattern = data["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"]
    byte_of = {}
    n = 256
    for b in range(256):  # GPT-2 bytes_to_unicode
        printable = 0x21 <= b <= 0x7E or 0xA1 <= b <= 0xAC or 0xAE <= b <= 0xFF
        byte_of[chr(b) if printable else chr(n)] = b
        if not printable:
            n += 1
    added = {t["content"]: t["id"] for t in data["added_tokens"]}
    ranks = {}
    for token, token_id in data["model"]["vocab"].items():
        if token in added:
            continue
        ranks[bytes(byte_of[c] for c in token)] = token_id
    return tiktoken.Encoding("plm-bench", pat_str=pattern, mergeable_ranks=ranks, special_tokens=added)


def timed(function):
    """Result, wall seconds and this thread's CPU seconds (the fair single-thread figure on a busy machine)."""
    start, cpu_start = time.perf_counter(), time.thread_time()
    result = function()
    return result, time.perf_counter() - start, time.thread_time() - cpu_start


def bench(args):
    texts = read_texts(args.input)
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    threads = args.threads or os.cpu_count()
    result = {"megabytes": megabytes, "documents": len(texts), "threads": threads}

    import tiktoken  # noqa: F401
    from tokenizers import Tokenizer
    hf = Tokenizer.from_file(args.tokenizer)
    hf.encode_special_tokens = True  # special tokens written in the text are text, as in plm and encode_ordinary
    encoding = tiktoken_encoding(args.tokenizer)

    # Warm-up on a slice, so one-time costs (regex compilation, caches) are not timed.
    hf.encode_batch(texts[:50], add_special_tokens=False)
    encoding.encode_ordinary_batch(texts[:50])

    hf_single, seconds, cpu = timed(lambda: [hf.encode(t, add_special_tokens=False).ids for t in texts])
    result["hf_single_mb_s"], result["hf_single_cpu_mb_s"] = megabytes / seconds, megabytes / cpu
    _, seconds, _ = timed(lambda: hf.encode_batch(texts, add_special_tokens=False))
    result["hf_batch_mb_s"] = megabytes / seconds
    tik_single, seconds, cpu = timed(lambda: [encoding.encode_ordinary(t) for t in texts])
    result["tiktoken_single_mb_s"], result["tiktoken_single_cpu_mb_s"] = megabytes / seconds, megabytes / cpu
    _, seconds, _ = timed(lambda: encoding.encode_ordinary_batch(texts, num_threads=threads))
    result["tiktoken_batch_mb_s"] = megabytes / seconds

    result["hf_checksum"], result["hf_tokens"] = checksum(hf_single)
    result["tiktoken_checksum"], result["tiktoken_tokens"] = checksum(tik_single)
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train")
    t.add_argument("--input", required=True)
    t.add_argument("--vocab-size", type=int, default=32000)
    t.add_argument("--preset", default="qwen2", choices=sorted(PATTERNS))
    t.add_argument("--output", required=True)
    b = sub.add_parser("bench")
    b.add_argument("--input", required=True)
    b.add_argument("--tokenizer", required=True)
    b.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    train(args) if args.command == "train" else bench(args)


if __name__ == "__main__":
    main()
