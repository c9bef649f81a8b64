#!/usr/bin/env python3
"""llama.cpp's prefill and decode speed on one GGUF, through llama-cpp-python, for `plm-bench decode`.

Feeds a fixed prompt of --prompt-tokens ids in one batch (prefill), then --decode-tokens single tokens
(decode), --repeats times on a cleared cache, and reports the best wall time of each (Python's overhead per
`eval` call is tens of microseconds beside milliseconds per token; llama_perf_context's timers stay at zero
through llama-cpp-python's `eval` in 0.3.36, so they cannot be used). The last line of standard output is
one JSON object.

    python decode_speed.py MODEL.gguf --threads 2 [--prompt-tokens 128 --decode-tokens 64 --repeats 3]
                                                  [--ids IDS.json]   ({"prompt": [...], "decode": [...]})
"""
import argparse
import json
import resource
import time

import llama_cpp
from llama_cpp import Llama


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--prompt-tokens", type=int, default=128)
    ap.add_argument("--decode-tokens", type=int, default=64)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--context", type=int, default=0, help="n_ctx (default: prompt + decode tokens)")
    ap.add_argument("--ids", help="JSON file with the prompt and decode ids to feed instead of the fixed pattern")
    args = ap.parse_args()
    given = None
    if args.ids:
        with open(args.ids) as f:
            given = json.load(f)
        args.prompt_tokens, args.decode_tokens = len(given["prompt"]), len(given["decode"])

    n_ctx = args.context or (args.prompt_tokens + args.decode_tokens + 8)
    llm = Llama(model_path=args.model, n_ctx=n_ctx, n_batch=max(args.prompt_tokens, 8),
                n_ubatch=max(args.prompt_tokens, 8), n_threads=args.threads, n_threads_batch=args.threads,
                logits_all=False, verbose=False, use_mmap=True)
    vocab = llm.n_vocab()
    prompt = [(17 * i + 5) % vocab for i in range(args.prompt_tokens)]
    decode = [(29 * i + 11) % vocab for i in range(args.decode_tokens)]
    if given is not None:
        prompt, decode = given["prompt"], given["decode"]
    ctx = llm._ctx.ctx
    memory = llama_cpp.llama_get_memory(ctx)

    best = {"prefill_wall": float("inf"), "decode_wall": float("inf")}
    for _ in range(args.repeats + 1):           # the first round warms up
        llama_cpp.llama_memory_clear(memory, True)
        llm.n_tokens = 0
        start = time.perf_counter()
        llm.eval(prompt)
        middle = time.perf_counter()
        for token in decode:
            llm.eval([token])
        end = time.perf_counter()
        best["prefill_wall"] = min(best["prefill_wall"], middle - start)
        best["decode_wall"] = min(best["decode_wall"], end - middle)

    meta = llm.metadata
    arch = meta.get("general.architecture", "plm")
    layers = int(meta.get(f"{arch}.block_count", 0))
    heads = int(meta.get(f"{arch}.attention.head_count", 0))
    key = int(meta.get(f"{arch}.attention.key_length", 0))
    value = int(meta.get(f"{arch}.attention.value_length", 0))
    result = {
        "llama_cpp_python": llama_cpp.__version__,
        "threads": args.threads,
        "prompt_tokens": args.prompt_tokens,
        "decode_tokens": args.decode_tokens,
        "prefill_tokens_per_second": args.prompt_tokens / best["prefill_wall"],
        "decode_tokens_per_second": args.decode_tokens / best["decode_wall"],
        # llama.cpp caches expanded K (H * key_length) and V (H * value_length) per token and layer, in f16.
        "cache_bytes_per_token": layers * heads * (key + value) * 2,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
