"""Makes Tests/PLMInferenceTests/Fixtures/gguf_golden.json, which the Swift tests check without the peers:
how gguf-py reads two small GGUF files our writer makes (keys with their value types, tensors with
ggml shapes, types, offsets, and the sum and first values gguf-py dequantizes), the ids llama.cpp gives
nine texts with the file's tokenizer and the tokens it ends generation on, and llama.cpp's logits for a
prompt through the whole model (f32 file).

The files come from the Swift test itself (a seeded tiny PLM, a BPE trained at test time):
  PLM_GGUF_GOLDEN_DIR=/tmp/golden swift test --filter GGUFGoldenTests
  . ~/.cache/plm-peers/llama/bin/activate && python Benchmarks/llama/make_golden.py /tmp/golden
(the test fails until the golden is remade when the files change; it passes again after this.)
"""
import argparse
import json
import os

import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize

from plm_gguf import ROOT, llama_special_ids, llama_vocab
from logits import cross_entropy, llama_logits

FILES = ["golden-f32.gguf", "golden-q8_0.gguf"]
TEXTS = [
    "Hello world! The quick brown fox jumps over the lazy dog.",
    "func main() {\n    print(\"hi\")\n}\n",
    "我想在apple工作1314151天～",
    "🚀 (normal) 😶\u200d🌫️ ✅ 🦙🦙",
    "  leading spaces, trailing spaces   \n\n\n\t\ttabs\n",
    "3 33 333 3333 33333 3.14 1,000,000",
    "I've been 'told he's there, 'RE you sure? We'Ve a'lL",
    "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n",
    "end of text<|endoftext|>next document",
]
PROMPT = "<|im_start|>user\nThe quick brown fox jumps over the lazy dog.<|im_end|>\n<|im_start|>assistant\n"


def plain(value):
    if isinstance(value, (np.generic,)):
        return value.item()
    return value


def describe_file(path):
    reader = GGUFReader(path)
    keys = {}
    for name, field in reader.fields.items():
        if name.startswith("GGUF."):
            continue
        value = field.contents()
        entry = {"type": field.types[0].name}
        if isinstance(value, list):
            entry.update(element=field.types[1].name, count=len(value),
                         head=[plain(v) for v in value[:6]], tail=[plain(v) for v in value[-3:]])
        else:
            entry["value"] = plain(value)
        keys[name] = entry
    tensors = []
    for t in reader.tensors:
        values = dequantize(t.data, t.tensor_type).astype(np.float64).ravel()
        tensors.append({"name": t.name, "shape": [int(x) for x in t.shape], "type": t.tensor_type.name,
                        "offset": int(t.data_offset), "bytes": int(t.n_bytes), "sum": float(values.sum()),
                        "head": [float(v) for v in values[:3]]})
    return {"size": os.path.getsize(path), "alignment": int(reader.alignment), "keys": keys, "tensors": tensors}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", help="where the Swift test wrote golden-f32.gguf and golden-q8_0.gguf")
    parser.add_argument("--output", default=os.path.join(ROOT, "Tests", "PLMInferenceTests", "Fixtures",
                                                         "gguf_golden.json"))
    args = parser.parse_args()

    files = {name: describe_file(os.path.join(args.folder, name)) for name in FILES}
    # The second file's keys only where they differ from the first's (the golden stays small).
    first = files[FILES[0]]["keys"]
    for name in FILES[1:]:
        files[name]["keys"] = {k: v for k, v in files[name]["keys"].items() if first.get(k) != v}
    golden = {"made_by": "Benchmarks/llama/make_golden.py (gguf-py 0.19.0, llama-cpp-python 0.3.36)", "files": files}
    f32 = os.path.join(args.folder, FILES[0])
    vocab = llama_vocab(f32)
    special = llama_special_ids(vocab)
    golden["tokenize"] = {
        "file": FILES[0], "eog": special["eog"], "bos": special["bos"], "eos": special["eos"],
        "add_bos": special["add_bos"], "control": special["control"],
        "texts": [{"text": text, "ids": vocab.tokenize(text.encode(), add_bos=False, special=True)} for text in TEXTS],
    }
    tokens, logits = llama_logits(f32, PROMPT)
    golden["logits"] = {"file": FILES[0], "prompt": PROMPT, "tokens": tokens, "loss": cross_entropy(logits, tokens),
                        "argmax": [int(i) for i in logits.argmax(axis=1)],
                        "last_position_head": [round(float(v), 6) for v in logits[-1][:48]]}
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump(golden, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {args.output} ({os.path.getsize(args.output)} bytes)")


if __name__ == "__main__":
    main()
