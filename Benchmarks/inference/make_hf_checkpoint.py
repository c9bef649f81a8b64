"""Writes a Hugging Face PLM folder with seeded random weights: config.json (from a config file such as
presets/plm-1.8b.json), bf16 (or f16/f32) safetensors shards of at most --shard-bytes each, and
model.safetensors.index.json, as transformers' save_pretrained lays them out. For checking that the engine
loads the real PLM-1.8B shape from Hugging Face layout without any downloaded checkpoint:

    python Benchmarks/inference/make_hf_checkpoint.py presets/plm-1.8b.json /tmp/plm-1.8b-hf
    .build/release/plm eval /tmp/plm-1.8b-hf --data shards/local/pack/anneal/val --max-samples 1 --type q8_0

Needs only numpy (any peer virtualenv has it). Values are N(0, 0.02), norms 1; bf16 by truncation.
"""
import argparse
import json
import os
import struct

import numpy as np


def tensors(config):
    d, h = config["hidden_size"], config["num_attention_heads"]
    nope, rope, v = config["qk_nope_head_dim"], config["qk_rope_head_dim"], config["v_head_dim"]
    k, f = config["kv_lora_rank"], config["intermediate_size"]
    yield "model.embed_tokens.weight", [config["vocab_size"], d]
    for i in range(config["num_hidden_layers"]):
        p = f"model.layers.{i}."
        yield p + "input_layernorm.weight", [d]
        yield p + "self_attn.q_proj.weight", [h * (nope + rope), d]
        yield p + "self_attn.kv_a_proj_with_mqa.weight", [k + rope, d]
        yield p + "self_attn.kv_a_layernorm.weight", [k]
        yield p + "self_attn.kv_b_proj.weight", [h * (nope + v), k]
        yield p + "self_attn.o_proj.weight", [d, h * v]
        yield p + "post_attention_layernorm.weight", [d]
        yield p + "mlp.up_proj.weight", [f, d]
        yield p + "mlp.down_proj.weight", [d, f]
    yield "model.norm.weight", [d]


def encode(values, dtype):
    if dtype == "F32":
        return values.astype("<f4").tobytes()
    if dtype == "F16":
        return values.astype("<f2").tobytes()
    return (values.astype("<f4").view("<u4") >> 16).astype("<u2").tobytes()


def write_shard(path, items, dtype):
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, shape, data in items:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-(8 + len(text)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for _, _, data in items:
            f.write(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("config")
    ap.add_argument("output")
    ap.add_argument("--dtype", default="BF16", choices=["BF16", "F16", "F32"])
    ap.add_argument("--shard-bytes", type=int, default=2 << 30)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    config = json.load(open(args.config))
    os.makedirs(args.output, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    shards, current, size, weight_map, total = [], [], 0, {}, 0
    for name, shape in tensors(config):
        count = int(np.prod(shape))
        values = np.ones(count, np.float32) if name.endswith("norm.weight") else \
            (rng.standard_normal(count, dtype=np.float32) * 0.02)
        data = encode(values, args.dtype)
        if current and size + len(data) > args.shard_bytes:
            shards.append(current)
            current, size = [], 0
        current.append((name, shape, data))
        size += len(data)
        total += len(data)
    shards.append(current)
    for index, items in enumerate(shards):
        file = f"model-{index + 1:05d}-of-{len(shards):05d}.safetensors"
        write_shard(os.path.join(args.output, file), items, args.dtype)
        for name, _, _ in items:
            weight_map[name] = file
    json.dump({"metadata": {"total_size": total}, "weight_map": weight_map},
              open(os.path.join(args.output, "model.safetensors.index.json"), "w"), indent=2)
    json.dump(config, open(os.path.join(args.output, "config.json"), "w"), indent=2)
    print(f"wrote {args.output}: {len(shards)} shards, {total / 2**30:.2f} GiB of {args.dtype}")


if __name__ == "__main__":
    main()
