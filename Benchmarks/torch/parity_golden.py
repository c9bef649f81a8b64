"""Writes the torch-made golden the Swift test `ParityGoldenTests` checks without torch:
Benchmarks/torch/parity_golden/tiny/{config.json, model.safetensors, tokens*.json, expected.json}.

The weights are drawn by torch (not by plm), so the test is the "reverse" parity check: PyTorch weights
saved with safetensors load in plm and give the same loss and gradient norms. Expected values are
computed in float64 (plm computes in float32; the test allows relative 1e-5 on the loss and 1e-4 on
each gradient norm).

usage: /root/.cache/plm-peers/torch/bin/python Benchmarks/torch/parity_golden.py
"""
import json
import os

import torch

import plm_reference as ref

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "parity_golden", "tiny")


def main():
    os.makedirs(OUT, exist_ok=True)
    # About 50k parameters; three heads so the per-head row grouping of q_proj and kv_b_proj matters.
    cfg = ref.hf_config(hidden_size=48, num_hidden_layers=2, num_attention_heads=3, kv_lora_rank=16,
                        qk_nope_head_dim=8, qk_rope_head_dim=4, v_head_dim=8, intermediate_size=128,
                        vocab_size=256, max_position_embeddings=64)
    # std 0.1 rather than 0.02 so attention is far from uniform and every path shapes the loss.
    params = ref.random_weights(cfg, seed=1234, std=0.1)
    ref.save_weights(OUT, cfg, params)
    cfg, params = ref.load_weights(OUT)   # exactly the float32 values stored, widened to float64

    g = torch.Generator().manual_seed(99)
    b, t = 2, 16
    stream = torch.randint(0, cfg["vocab_size"], (b, t + 1), generator=g)
    base = {"batch_size": b, "sequence_length": t,
            "inputs": stream[:, :-1].reshape(-1).tolist(), "targets": stream[:, 1:].reshape(-1).tolist()}
    masked = dict(base, loss_mask=(torch.rand(b * t, generator=g) < 0.6).to(torch.float32).tolist())
    # Two documents in the first row (boundary at 6), three in the second (at 4 and 11).
    documents = [0] * 6 + [1] * 10 + [0] * 4 + [1] * 7 + [2] * 5
    with_documents = dict(base, document_index=documents)
    cases = {"plain": (base, False), "masked": (masked, False), "documents": (with_documents, True)}
    expected = {"parameters": sum(p.numel() for p in params.values()), "cases": {}}
    for name, (tokens, mask_documents) in cases.items():
        path = os.path.join(OUT, f"tokens_{name}.json")
        with open(path, "w") as f:
            json.dump(tokens, f)
            f.write("\n")
        loss, count, norms = ref.loss_and_grad_norms(cfg, params, ref.read_tokens(path), mask_documents)
        expected["cases"][name] = {"tokens": f"tokens_{name}.json", "mask_across_documents": mask_documents,
                                   "loss": loss, "count": count, "grad_norms": norms}
        print(f"{name}: loss {loss:.9f} over {count} targets")
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {OUT} ({expected['parameters']} parameters)")


if __name__ == "__main__":
    main()
