"""Writes the torch-made golden the Swift test `DPOGoldenTests` checks without torch:
Benchmarks/torch/dpo_golden/tiny/{policy/, reference/, pairs.json, expected.json}.

Two sets of weights drawn by torch (the policy and the frozen reference), three preference pairs (a shared
prompt, then each answer under a loss mask), and what a plain PyTorch DPO computes on them in float64 with
autograd: per answer log-probabilities (sum of log p over the masked targets), the DPO loss with label
smoothing (cDPO: -(1-eps) log sigmoid(h) - eps log sigmoid(-h), h = beta ((pi_c - ref_c) - (pi_r - ref_r))),
mean over pairs), rewards, margin, accuracy, and the L2 norm of the loss's gradient for every policy tensor.
The model is the independent PyTorch PLM of plm_reference.py (written from docs/ARCHITECTURE.md).

usage: ~/.cache/plm-peers/torch/bin/python Benchmarks/torch/dpo_golden.py
"""
import json
import os

import torch
import torch.nn.functional as F

import plm_reference as ref

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "dpo_golden", "tiny")
BETA, EPS = 0.3, 0.1


def sequence_logp(cfg, params, inputs, targets, mask):
    logits = ref.forward_logits(cfg, params, inputs)
    logp = torch.log_softmax(logits, dim=-1).gather(-1, targets[..., None])[..., 0]    # (B, T)
    return (logp * mask).sum(-1)                                                        # (B,)


def main():
    cfg = ref.hf_config(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, kv_lora_rank=16,
                        qk_nope_head_dim=8, qk_rope_head_dim=4, v_head_dim=8, intermediate_size=64,
                        vocab_size=64, max_position_embeddings=32)
    for name, seed in (("policy", 11), ("reference", 12)):
        folder = os.path.join(OUT, name)
        os.makedirs(folder, exist_ok=True)
        ref.save_weights(folder, cfg, ref.random_weights(cfg, seed=seed, std=0.1))
    _, policy = ref.load_weights(os.path.join(OUT, "policy"))        # the float32 values stored, widened
    _, reference = ref.load_weights(os.path.join(OUT, "reference"))

    g = torch.Generator().manual_seed(5)
    pairs, t = 3, 12
    prompts = torch.randint(0, cfg["vocab_size"], (pairs, 6), generator=g)
    sequences, masks = [], []
    for side in range(2):                     # chosen rows, then rejected rows
        for p in range(pairs):
            answer_length = 3 + (p + side) % 3
            answer = torch.randint(0, cfg["vocab_size"], (answer_length,), generator=g)
            pad = torch.zeros(t + 1 - 6 - answer_length, dtype=torch.long)
            sequence = torch.cat([prompts[p], answer, pad])
            mask = torch.cat([torch.zeros(6), torch.ones(answer_length), torch.zeros(len(pad))])
            sequences.append(sequence)
            masks.append(mask)
    tokens = torch.stack(sequences)                         # (2P, T+1)
    mask = torch.stack(masks)[:, 1:].to(torch.float64)      # the mask of each target
    inputs, targets = tokens[:, :-1], tokens[:, 1:]

    for p in policy.values():
        p.requires_grad_(True)
    with torch.no_grad():
        ref_logp = sequence_logp(cfg, reference, inputs, targets, mask)
    pol_logp = sequence_logp(cfg, policy, inputs, targets, mask)
    chosen_reward = BETA * (pol_logp[:pairs] - ref_logp[:pairs])
    rejected_reward = BETA * (pol_logp[pairs:] - ref_logp[pairs:])
    h = chosen_reward - rejected_reward
    loss = (-(1 - EPS) * F.logsigmoid(h) - EPS * F.logsigmoid(-h)).mean()
    loss.backward()

    batch = {"batch_size": 2 * pairs, "sequence_length": t, "inputs": inputs.reshape(-1).tolist(),
             "targets": targets.reshape(-1).tolist(), "loss_mask": mask.reshape(-1).tolist()}
    with open(os.path.join(OUT, "pairs.json"), "w") as f:
        json.dump(batch, f)
        f.write("\n")
    expected = {"beta": BETA, "label_smoothing": EPS, "pairs": pairs, "loss": loss.item(),
                "policy_logp": pol_logp.tolist(), "reference_logp": ref_logp.tolist(),
                "chosen_reward": chosen_reward.mean().item(), "rejected_reward": rejected_reward.mean().item(),
                "margin": h.mean().item(), "accuracy": (h > 0).to(torch.float64).mean().item(),
                "grad_norms": {name: p.grad.norm().item() for name, p in policy.items()}}
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"loss {expected['loss']:.9f}, margin {expected['margin']:.6f}, accuracy {expected['accuracy']}")


if __name__ == "__main__":
    main()
