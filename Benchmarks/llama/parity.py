"""llama.cpp and our engine on the same GGUF files of one checkpoint: the same prompt ids, the same logits at
every prompt position (max |difference| beside the logit scale, the same argmax everywhere) and the same greedy
continuation, for f32, f16 and q8_0.

For each type the checkpoint is exported with `plm export gguf`; each prompt runs once through
`plm generate FILE --greedy --json --all-logits --max-tokens N` and once through llama-cpp-python (the whole
prompt in one batch with logits_all, then greedy argmax tokens one at a time, stopping where llama.cpp
ends generation, as ours stops at <|endoftext|> and <|im_end|>). llama.cpp's KV cache is f32 unless
--kv f16 (its default: it rounds keys and values, which moves logits by about 1e-3).

Run: . ~/.cache/plm-peers/llama/bin/activate && python Benchmarks/llama/parity.py CHECKPOINT \
        [--plm .build/release/plm] [--tokenizer DIR] [--types f32,f16,q8_0] [--tokens 64] [--kv f32|f16]
"""
import argparse
import json
import os
import subprocess

import numpy as np

PROMPTS = [
    "The GNU General Public License is a free, copyleft license for",
    "def parse_arguments(argv):\n    parser = argparse.ArgumentParser(",
    "<|im_start|>user\nWhat is Debian?<|im_end|>\n<|im_start|>assistant\n",
    "Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>\n Everyone is permitted",
    "import os\nimport sys\n\n\nclass",
]


def ours(plm, path, prompt, tokens):
    out = subprocess.run([plm, "generate", path, "--prompt", prompt, "--greedy", "--json", "--all-logits",
                          "--max-tokens", str(tokens), "--threads", "2"], check=True, capture_output=True,
                         text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    ids = result["prompt_ids"]
    logits = np.array(result["prompt_logits"], dtype=np.float64).reshape(len(ids), -1)
    return ids, logits, result["generated_ids"], result["stop_reason"]


def llama(path, prompt, tokens, kv):
    import llama_cpp
    from llama_cpp import Llama
    kv_type = {"f32": 0, "f16": 1}[kv]
    model = Llama(model_path=path, logits_all=True, n_threads=2, n_threads_batch=2, n_ctx=512, n_batch=512,
                  verbose=False, type_k=kv_type, type_v=kv_type)
    vocab = llama_cpp.llama_model_get_vocab(model._model.model)
    ids = model.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
    model.eval(ids)
    logits = np.array(model.scores[:len(ids)], dtype=np.float64)
    generated = []
    last = logits[-1]
    while len(generated) < tokens:
        token = int(np.argmax(last))          # ties go to the lowest id, as our greedy sampler's
        generated.append(token)
        if llama_cpp.llama_vocab_is_eog(vocab, token):
            break
        model.eval([token])
        last = np.array(model.scores[model.n_tokens - 1], dtype=np.float64)
    return ids, logits, generated


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("checkpoint")
    parser.add_argument("--plm", default=".build/release/plm")
    parser.add_argument("--tokenizer", help="tokenizer folder when the checkpoint has none beside or above it")
    parser.add_argument("--types", default="f32,f16,q8_0")
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--kv", default="f32", choices=["f32", "f16"])
    parser.add_argument("--scratch", default="/tmp/plm-llama-parity")
    args = parser.parse_args()
    os.makedirs(args.scratch, exist_ok=True)
    print(f"checkpoint {args.checkpoint}; llama.cpp KV cache {args.kv}; greedy {args.tokens} tokens")
    print("type  prompt                              ids   max|diff|  logit scale  rel.diff  argmax same  "
          "greedy same")
    all_ok = True
    for kind in args.types.split(","):
        path = os.path.join(args.scratch, f"model-{kind}.gguf")
        export = [args.plm, "export", "gguf", args.checkpoint, path, "--type", kind]
        subprocess.run(export + (["--tokenizer", args.tokenizer] if args.tokenizer else []), check=True,
                       capture_output=True)
        for prompt in PROMPTS:
            our_ids, our_logits, our_generated, _ = ours(args.plm, path, prompt, args.tokens)
            their_ids, their_logits, their_generated = llama(path, prompt, args.tokens, args.kv)
            same_ids = our_ids == their_ids
            difference = float(np.abs(our_logits - their_logits).max()) if same_ids else float("nan")
            scale = float(np.abs(their_logits).max())
            argmax = int((our_logits.argmax(axis=1) == their_logits.argmax(axis=1)).sum()) if same_ids else 0
            agree = 0
            while agree < min(len(our_generated), len(their_generated)) and \
                    our_generated[agree] == their_generated[agree]:
                agree += 1
            greedy_ok = our_generated == their_generated
            all_ok &= same_ids and argmax == len(their_ids) and greedy_ok
            label = json.dumps(prompt)[:34]
            print(f"{kind:5} {label:35} {'same' if same_ids else 'DIFF':5} {difference:10.2e} {scale:12.2f} "
                  f"{difference / scale:9.1e}  {argmax:3}/{len(their_ids):<3}      "
                  f"{'yes' if greedy_ok else 'NO'} ({agree}/{len(their_generated)})")
    print("all identical" if all_ok else "differences above")


if __name__ == "__main__":
    main()
