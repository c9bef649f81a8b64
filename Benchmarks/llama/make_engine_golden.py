"""Makes Tests/PLMInferenceTests/Fixtures/llama_engine_golden.json, which LlamaEngineGoldenTests checks without
the peer: for a seeded tiny PLM written by the Swift test in f32, f16 and q8_0, llama.cpp's ids for two
prompts, the argmax and top-5 logits at every prompt position, and its greedy continuation (24 tokens, or up
to the token it ends generation on). llama.cpp runs with an f32 KV cache (our cache is f32).

  PLM_LLAMA_GOLDEN_DIR=/tmp/engine-golden swift test --filter LlamaEngineGoldenTests
  . ~/.cache/plm-peers/llama/bin/activate && python Benchmarks/llama/make_engine_golden.py /tmp/engine-golden
"""
import argparse
import json
import os

import numpy as np

from plm_gguf import ROOT

FILES = {"f32": "engine-golden-f32.gguf", "f16": "engine-golden-f16.gguf", "q8_0": "engine-golden-q8_0.gguf"}
PROMPTS = [
    "<|im_start|>user\nThe quick brown fox jumps over the lazy dog.<|im_end|>\n<|im_start|>assistant\n",
    "func main() {\n    let value = compute(42)\n",
]
TOKENS = 24


def run(path, prompt):
    import llama_cpp
    from llama_cpp import Llama
    model = Llama(model_path=path, logits_all=True, n_threads=2, n_threads_batch=2, n_ctx=256, verbose=False,
                  type_k=0, type_v=0)
    vocab = llama_cpp.llama_model_get_vocab(model._model.model)
    ids = model.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
    model.eval(ids)
    logits = np.array(model.scores[:len(ids)], dtype=np.float64)
    top = [[int(i) for i in np.argsort(-row, kind="stable")[:5]] for row in logits]
    generated, last = [], logits[-1]
    while len(generated) < TOKENS:
        token = int(np.argmax(last))
        generated.append(token)
        if llama_cpp.llama_vocab_is_eog(vocab, token):
            break
        model.eval([token])
        last = np.array(model.scores[model.n_tokens - 1], dtype=np.float64)
    return {"prompt": prompt, "ids": ids, "top_ids": top,
            "top_logits": [[round(float(row[i]), 6) for i in ids5] for row, ids5 in zip(logits, top)],
            "generated": generated}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--output", default=os.path.join(ROOT, "Tests", "PLMInferenceTests", "Fixtures",
                                                         "llama_engine_golden.json"))
    args = parser.parse_args()
    golden = {"made_by": "Benchmarks/llama/make_engine_golden.py (llama-cpp-python 0.3.36, f32 KV cache)",
              "types": {kind: [run(os.path.join(args.folder, name), p) for p in PROMPTS] for kind, name in FILES.items()}}
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump(golden, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {args.output} ({os.path.getsize(args.output)} bytes)")


if __name__ == "__main__":
    main()
