"""llama.cpp's logits for a prompt, from one of our GGUF files: the starting point of logit parity with
our engine. Loads the whole model in llama-cpp-python (logits_all, 2 threads, f32 KV cache), tokenizes the prompt
without BOS (special tokens parsed), prints each position's top-5 and the last position's first logits,
and the mean next-token cross-entropy over the prompt. With --checkpoint it also runs
`plm train-parity` on the same tokens with the checkpoint the file was exported from and prints both
losses (our trainer's forward pass against llama.cpp's graph). --json writes the tokens and the full
(positions x vocab) logits.

Run: . ~/.cache/plm-peers/llama/bin/activate && python Benchmarks/llama/logits.py FILE \
        [--prompt TEXT] [--checkpoint DIR] [--plm .build/debug/plm] [--json OUT]
"""
import argparse
import json
import os
import subprocess
import tempfile

import numpy as np

from plm_gguf import ROOT

DEFAULT_PROMPT = ("The quick brown fox jumps over the lazy dog. In 1999, the model was trained on 12345 documents.\n"
                  "func main() { return 0 }")


def llama_logits(path, prompt):
    """(token ids, float64 logits [positions, vocab]) from llama.cpp, with an f32 KV cache: the default
    f16 cache rounds keys and values and moves logits by ~1e-3, which would hide real differences."""
    from llama_cpp import Llama
    model = Llama(model_path=path, logits_all=True, n_threads=2, n_threads_batch=2, n_ctx=512, verbose=False,
                  type_k=0, type_v=0)  # GGML_TYPE_F32
    tokens = model.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
    model.eval(tokens)
    return tokens, np.array(model.scores[:len(tokens)], dtype=np.float64)


def cross_entropy(logits, tokens):
    """Mean -log p(next token) over positions 0..n-2."""
    rows = logits[:-1]
    top = rows.max(axis=1, keepdims=True)
    log_z = np.log(np.exp(rows - top).sum(axis=1)) + top[:, 0]
    targets = np.array(tokens[1:])
    return float(np.mean(log_z - rows[np.arange(len(targets)), targets]))


def trainer_loss(plm, checkpoint, tokens):
    """Our trainer's forward-only loss on the same inputs and targets (`plm train-parity`)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "tokens.json")
        with open(path, "w") as f:
            json.dump({"batch_size": 1, "sequence_length": len(tokens) - 1, "inputs": tokens[:-1],
                       "targets": tokens[1:]}, f)
        out = subprocess.run([plm, "train-parity", "--model", checkpoint, "--tokens", path, "--threads", "2"],
                             check=True, capture_output=True, text=True).stdout
    return json.loads(out)["forward_only_loss"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file")
    parser.add_argument("--prompt", default=DEFAULT_PROMPT)
    parser.add_argument("--checkpoint", help="the checkpoint folder the file was exported from")
    parser.add_argument("--plm", default=os.path.join(ROOT, ".build", "debug", "plm"))
    parser.add_argument("--json", help="write tokens and logits here")
    args = parser.parse_args()

    tokens, logits = llama_logits(args.file, args.prompt)
    print(f"{len(tokens)} tokens: {tokens}")
    for position, row in enumerate(logits):
        top = np.argsort(-row)[:5]
        print(f"  {position:3} id {tokens[position]:6}  top-5 " + " ".join(f"{i}:{row[i]:.4f}" for i in top))
    print(f"last position, first 8 logits: {np.round(logits[-1][:8], 6).tolist()}")
    loss = cross_entropy(logits, tokens)
    print(f"llama.cpp mean next-token cross-entropy: {loss:.6f}")
    if args.checkpoint:
        ours = trainer_loss(args.plm, args.checkpoint, tokens)
        print(f"plm train-parity forward loss:          {ours:.6f}  (difference {abs(ours - loss):.2e})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"prompt": args.prompt, "tokens": tokens, "logits": logits.astype(np.float32).tolist()}, f)
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
