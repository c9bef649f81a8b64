"""Our GGUF file against the one llama.cpp's own converter (convert_hf_to_gguf.py, PLMForCausalLM) makes
from the same checkpoint and tokenizer folders: every key and tensor compared, tensor data byte for byte.

The converter names the pre-tokenizer by hashing the ids of a test text, which no tokenizer trained here
matches ("BPE pre-tokenizer was not recognized"); it is given the name our file records instead, the
one thing patched. It needs torch and transformers, so this runs in the torch peer venv with llama.cpp's
gguf-py from the vendored source:

  ~/.cache/plm-peers/torch/bin/python Benchmarks/llama/compare_converter.py OURS.gguf CHECKPOINT TOKENIZER \
      [--type f32|f16|q8_0] [--llama-cpp /work/ref/llama_cpp_python-0.3.36/vendor/llama.cpp]
"""
import argparse
import os
import runpy
import shutil
import sys
import tempfile

import numpy as np

DEFAULT_LLAMA_CPP = "/work/ref/llama_cpp_python-0.3.36/vendor/llama.cpp"


def convert(llama_cpp, checkpoint, tokenizer, pre, out_type, output):
    with tempfile.TemporaryDirectory() as folder:
        for source in (os.path.join(checkpoint, "model.safetensors"), os.path.join(checkpoint, "config.json")):
            shutil.copy(source, folder)
        for name in ("tokenizer.json", "tokenizer_config.json"):
            if os.path.exists(os.path.join(tokenizer, name)):
                shutil.copy(os.path.join(tokenizer, name), folder)
        import conversion.base as base
        base.TextModel.get_vocab_base_pre = lambda self, tok: pre
        argv = sys.argv
        sys.argv = ["convert_hf_to_gguf.py", folder, "--outfile", output, "--outtype", out_type]
        try:
            runpy.run_path(os.path.join(llama_cpp, "convert_hf_to_gguf.py"), run_name="__main__")
        finally:
            sys.argv = argv


def compare(ours_path, theirs_path):
    from gguf import GGUFReader
    ours, theirs = GGUFReader(ours_path), GGUFReader(theirs_path)
    a = {k: f for k, f in ours.fields.items() if not k.startswith("GGUF.")}
    b = {k: f for k, f in theirs.fields.items() if not k.startswith("GGUF.")}
    print(f"keys only in ours: {sorted(set(a) - set(b))}")
    print(f"keys only in the converter's: {sorted(set(b) - set(a))}")
    differing = 0
    for key in sorted(set(a) & set(b)):
        types_a, types_b = [t.name for t in a[key].types], [t.name for t in b[key].types]
        if a[key].contents() != b[key].contents() or types_a != types_b:
            differing += 1
            print(f"  differs {key}: ours {types_a} {str(a[key].contents())[:60]!r}, "
                  f"converter {types_b} {str(b[key].contents())[:60]!r}")
    print(f"{len(set(a) & set(b)) - differing} of {len(set(a) & set(b))} shared keys equal")
    ta, tb = {t.name: t for t in ours.tensors}, {t.name: t for t in theirs.tensors}
    if set(ta) != set(tb):
        print(f"tensor sets differ: only ours {sorted(set(ta) - set(tb))}, only converter {sorted(set(tb) - set(ta))}")
    same = 0
    for name in sorted(set(ta) & set(tb)):
        x, y = ta[name], tb[name]
        if (x.tensor_type, list(x.shape)) != (y.tensor_type, list(y.shape)):
            print(f"  {name}: ours {x.tensor_type.name} {list(x.shape)}, converter {y.tensor_type.name} {list(y.shape)}")
        elif not np.array_equal(np.asarray(x.data).view(np.uint8), np.asarray(y.data).view(np.uint8)):
            print(f"  {name}: same type and shape, different bytes")
        else:
            same += 1
    print(f"{same} of {len(ta)} tensors byte-identical ({ours.tensors[0].tensor_type.name} embedding)")
    return same == len(ta) == len(tb)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("ours")
    parser.add_argument("checkpoint")
    parser.add_argument("tokenizer")
    parser.add_argument("--type", default="f16", choices=["f32", "f16", "q8_0"])
    parser.add_argument("--llama-cpp", default=DEFAULT_LLAMA_CPP)
    args = parser.parse_args()
    sys.path[:0] = [os.path.join(args.llama_cpp, "gguf-py"), args.llama_cpp]
    from gguf import GGUFReader
    pre = GGUFReader(args.ours).fields["tokenizer.ggml.pre"].contents()
    with tempfile.TemporaryDirectory() as folder:
        theirs = os.path.join(folder, "converter.gguf")
        convert(args.llama_cpp, args.checkpoint, args.tokenizer, pre, args.type, theirs)
        sys.exit(0 if compare(args.ours, theirs) else 1)


if __name__ == "__main__":
    main()
