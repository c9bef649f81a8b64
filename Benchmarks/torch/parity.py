"""Parity of plm's PLM with the independent PyTorch one (plm_reference.py), both directions:

  forward: plm initialises a model (its own seeded init) and writes model.safetensors + config.json;
           PyTorch loads those files and must find the loss plm found (relative 1e-5) and the same gradient
           norm for every tensor (relative 1e-4) on the same tokens.
  reverse: PyTorch draws weights and saves them with safetensors; plm loads them and must find PyTorch's
           loss and gradient norms (this is also what the committed golden checks without torch).

Each direction runs on the golden tokens (plain, loss-masked, documents kept apart) and on a bigger
random batch with a second shape. PyTorch computes in float64 (the reference), plm in float32.

usage: /root/.cache/plm-peers/torch/bin/python Benchmarks/torch/parity.py --plm .build/release/plm [--keep DIR]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import torch

import plm_reference as ref

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "parity_golden", "tiny")


def plm_result(plm, folder, tokens, mask_documents, out):
    cmd = [plm, "train-parity", "--model", folder, "--tokens", tokens, "--output", out, "--threads", "1"]
    if mask_documents:
        cmd.append("--mask-documents")
    subprocess.run(cmd, check=True)
    with open(out) as f:
        return json.load(f)


def compare(label, mine, theirs, loss_tol=1e-5, grad_tol=1e-4):
    rel = abs(mine["loss"] - theirs["loss"]) / abs(theirs["loss"])
    worst_name, worst = None, 0.0
    for name, ref_norm in theirs["grad_norms"].items():
        r = abs(mine["grad_norms"][name] - ref_norm) / max(abs(ref_norm), 1e-30)
        if r > worst:
            worst_name, worst = name, r
    ok = rel <= loss_tol and worst <= grad_tol and set(mine["grad_norms"]) == set(theirs["grad_norms"])
    print(f"{'PASS' if ok else 'FAIL'} {label}: loss plm {mine['loss']:.9f} torch {theirs['loss']:.9f} "
          f"(rel {rel:.2e}); worst grad-norm rel {worst:.2e} ({worst_name})")
    return ok


def torch_result(folder, tokens_path, mask_documents):
    cfg, params = ref.load_weights(folder)
    loss, count, norms = ref.loss_and_grad_norms(cfg, params, ref.read_tokens(tokens_path), mask_documents)
    return {"loss": loss, "count": count, "grad_norms": norms}


def random_tokens(path, vocab, b, t, seed):
    g = torch.Generator().manual_seed(seed)
    stream = torch.randint(0, vocab, (b, t + 1), generator=g)
    with open(path, "w") as f:
        json.dump({"batch_size": b, "sequence_length": t, "inputs": stream[:, :-1].reshape(-1).tolist(),
                   "targets": stream[:, 1:].reshape(-1).tolist()}, f)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--plm", required=True, help="path to the plm executable")
    parser.add_argument("--keep", help="write the work files here instead of a temporary folder")
    args = parser.parse_args()
    work = args.keep or tempfile.mkdtemp(prefix="plm-parity-")
    os.makedirs(work, exist_ok=True)
    torch.set_num_threads(1)
    with open(os.path.join(GOLDEN, "expected.json")) as f:
        cases = json.load(f)["cases"]
    golden_cfg = ref.read_config(os.path.join(GOLDEN, "config.json"))
    bigger_cfg = ref.hf_config(hidden_size=64, num_hidden_layers=3, num_attention_heads=4, kv_lora_rank=32,
                               qk_nope_head_dim=16, qk_rope_head_dim=8, vocab_size=512, v_head_dim=16,
                               intermediate_size=256, max_position_embeddings=128)
    # The plm-tiny preset's shape (vocab 2048) on a longer sequence.
    tiny_cfg = ref.hf_config(hidden_size=128, num_hidden_layers=4, num_attention_heads=4, kv_lora_rank=64,
                             qk_nope_head_dim=32, qk_rope_head_dim=16, v_head_dim=32, intermediate_size=512,
                             vocab_size=2048, max_position_embeddings=1024)
    big_tokens = os.path.join(work, "tokens_big.json")
    random_tokens(big_tokens, 512, 4, 64, seed=5)
    tiny_tokens = os.path.join(work, "tokens_tiny.json")
    random_tokens(tiny_tokens, 2048, 2, 256, seed=6)
    all_ok = True

    # Forward: plm-made weights, read by PyTorch.
    for label, cfg in [("golden shape", golden_cfg), ("bigger shape", bigger_cfg), ("plm-tiny shape", tiny_cfg)]:
        folder = os.path.join(work, "plm-init-" + label.split()[0])
        os.makedirs(folder, exist_ok=True)
        cfg_path = os.path.join(folder, "init-config.json")
        with open(cfg_path, "w") as f:
            json.dump(cfg, f)
        subprocess.run([args.plm, "train-parity", "--init-config", cfg_path, "--seed", "42", "--save", folder], check=True)
        runs = [(n, os.path.join(GOLDEN, c["tokens"]), c["mask_across_documents"]) for n, c in cases.items()] \
            if cfg is golden_cfg else [("random 4x64", big_tokens, False)] if cfg is bigger_cfg \
            else [("random 2x256", tiny_tokens, False)]
        for name, tokens, mask_docs in runs:
            mine = plm_result(args.plm, folder, tokens, mask_docs, os.path.join(work, "plm-result.json"))
            all_ok &= compare(f"forward ({label}, plm weights -> torch, {name})", mine,
                              torch_result(folder, tokens, mask_docs))

    # Reverse: PyTorch-made weights, read by plm.
    for label, cfg, std, tokens_file in [("golden", None, None, None), ("bigger shape", bigger_cfg, 0.05, big_tokens),
                                         ("plm-tiny shape", tiny_cfg, 0.02, tiny_tokens)]:
        if cfg is None:
            folder = GOLDEN
            runs = [(n, os.path.join(GOLDEN, c["tokens"]), c["mask_across_documents"]) for n, c in cases.items()]
        else:
            folder = os.path.join(work, "torch-init-" + label.split()[0])
            os.makedirs(folder, exist_ok=True)
            ref.save_weights(folder, cfg, ref.random_weights(cfg, seed=7, std=std))
            runs = [(os.path.basename(tokens_file), tokens_file, False)]
        for name, tokens, mask_docs in runs:
            mine = plm_result(args.plm, folder, tokens, mask_docs, os.path.join(work, "plm-result.json"))
            all_ok &= compare(f"reverse ({label}, torch weights -> plm, {name})", mine,
                              torch_result(folder, tokens, mask_docs))
    print("parity: " + ("all passed" if all_ok else "FAILED"))
    sys.exit(0 if all_ok else 1)


if __name__ == "__main__":
    main()
