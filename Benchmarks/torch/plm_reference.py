"""An independent PLM in PyTorch, written from docs/ARCHITECTURE.md ("The PLM model"), not from the Swift code.

It loads a Hugging Face style folder (config.json + model.safetensors, F32) as `plm train` writes it, runs
token batches, and returns the mean cross-entropy (over the targets a loss mask counts) and the gradient
norm of every tensor. parity.py compares these with what `plm train-parity` computes on the same files;
parity_golden.py stores torch-made weights + tokens + expected values for the Swift test that runs without torch.

Architecture (pre-norm decoder, no biases, tied embeddings):
    h = E[x]
    per layer:  a = rmsnorm(h) * w_in
                q = a Wq^T                      -> per head [q_nope | q_pe]
                c, k_pe = split(a Wkva^T)       -> latent c [kv_lora], one shared k_pe [rope]
                kv = (rmsnorm(c) * w_kv) Wkvb^T -> per head [k_nope | v]
                RoPE (interleaved pairs (2i, 2i+1), theta) on q_pe and on k_pe
                o = softmax(q.k / sqrt(nope + rope), causal) v, concatenated heads, times Wo^T
                h = h + o
                h = h + Wdown (relu(Wup (rmsnorm(h) * w_post)))^2
    logits = (rmsnorm(h) * w_final) E^T
"""
import json
import math

import torch
from safetensors.torch import load_file, save_file


def read_config(path):
    with open(path) as f:
        cfg = json.load(f)
    assert cfg.get("model_type") == "plm", "model_type must be plm"
    assert cfg.get("q_lora_rank") is None, "PLM has no query low-rank path"
    assert cfg.get("tie_word_embeddings", True), "PLM ties embeddings"
    assert cfg.get("hidden_act", "relu2") == "relu2"
    assert cfg.get("rope_interleave", True), "this reference rotates interleaved pairs"
    assert not cfg.get("attention_bias", False), "PLM has no biases"
    return cfg


def parameter_shapes(cfg):
    """Every tensor PLM has, by Hugging Face key, with its [out, in] shape."""
    d, h = cfg["hidden_size"], cfg["num_attention_heads"]
    nope, rope, v = cfg["qk_nope_head_dim"], cfg["qk_rope_head_dim"], cfg["v_head_dim"]
    r, ff = cfg["kv_lora_rank"], cfg["intermediate_size"]
    shapes = {"model.embed_tokens.weight": (cfg["vocab_size"], d)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        shapes[p + "input_layernorm.weight"] = (d,)
        shapes[p + "self_attn.q_proj.weight"] = (h * (nope + rope), d)
        shapes[p + "self_attn.kv_a_proj_with_mqa.weight"] = (r + rope, d)
        shapes[p + "self_attn.kv_a_layernorm.weight"] = (r,)
        shapes[p + "self_attn.kv_b_proj.weight"] = (h * (nope + v), r)
        shapes[p + "self_attn.o_proj.weight"] = (d, h * v)
        shapes[p + "post_attention_layernorm.weight"] = (d,)
        shapes[p + "mlp.up_proj.weight"] = (ff, d)
        shapes[p + "mlp.down_proj.weight"] = (d, ff)
    shapes["model.norm.weight"] = (d,)
    return shapes


def load_weights(folder, dtype=torch.float64):
    cfg = read_config(f"{folder}/config.json")
    tensors = load_file(f"{folder}/model.safetensors")
    shapes = parameter_shapes(cfg)
    missing = sorted(set(shapes) - set(tensors))
    extra = sorted(set(tensors) - set(shapes))
    assert not missing and not extra, f"missing {missing[:3]}, extra {extra[:3]}"
    for name, shape in shapes.items():
        assert tuple(tensors[name].shape) == shape, f"{name}: {tuple(tensors[name].shape)} != {shape}"
    params = {name: tensors[name].to(dtype).clone().requires_grad_(True) for name in shapes}
    return cfg, params


def rms_norm(x, weight, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight


def rope_interleaved(x, positions, theta):
    """Rotates pairs (x[2i], x[2i+1]) by position * theta^(-2i/n) along the last dimension."""
    n = x.shape[-1]
    inv_freq = 1.0 / (theta ** (torch.arange(0, n, 2, dtype=torch.float64) / n))
    angles = positions.to(torch.float64)[:, None] * inv_freq[None, :]          # (T, n/2)
    cos, sin = angles.cos().to(x.dtype), angles.sin().to(x.dtype)
    even, odd = x[..., 0::2], x[..., 1::2]
    out = torch.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


def forward_logits(cfg, params, inputs, document_index=None):
    """inputs: (B, T) int64. document_index: optional (B, T); when given, attention stays inside documents."""
    b, t = inputs.shape
    d, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    nope, rope, vd = cfg["qk_nope_head_dim"], cfg["qk_rope_head_dim"], cfg["v_head_dim"]
    r, eps, theta = cfg["kv_lora_rank"], cfg["rms_norm_eps"], cfg["rope_theta"]
    emb = params["model.embed_tokens.weight"]
    h = emb[inputs]                                                            # (B, T, d)
    positions = torch.arange(t)
    mask = torch.ones(t, t, dtype=torch.bool).tril()[None, None]               # (1, 1, T, T)
    if document_index is not None:
        same = document_index[:, :, None] == document_index[:, None, :]
        mask = mask & same[:, None]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        a = rms_norm(h, params[p + "input_layernorm.weight"], eps)
        q = (a @ params[p + "self_attn.q_proj.weight"].T).view(b, t, heads, nope + rope)
        q_nope, q_pe = q[..., :nope], q[..., nope:]
        ckv = a @ params[p + "self_attn.kv_a_proj_with_mqa.weight"].T          # (B, T, r + rope)
        c, k_pe = ckv[..., :r], ckv[..., r:]
        c = rms_norm(c, params[p + "self_attn.kv_a_layernorm.weight"], eps)
        kv = (c @ params[p + "self_attn.kv_b_proj.weight"].T).view(b, t, heads, nope + vd)
        k_nope, v = kv[..., :nope], kv[..., nope:]
        q_pe = rope_interleaved(q_pe.transpose(1, 2), positions, theta)        # (B, H, T, rope)
        k_pe = rope_interleaved(k_pe, positions, theta)[:, None]               # (B, 1, T, rope) shared
        qh = torch.cat([q_nope.transpose(1, 2), q_pe], dim=-1)                 # (B, H, T, nope + rope)
        kh = torch.cat([k_nope.transpose(1, 2), k_pe.expand(b, heads, t, rope)], dim=-1)
        scores = (qh @ kh.transpose(-1, -2)) / math.sqrt(nope + rope)          # (B, H, T, T)
        scores = scores.masked_fill(~mask, float("-inf"))
        o = torch.softmax(scores, dim=-1) @ v.transpose(1, 2)                  # (B, H, T, v)
        o = o.transpose(1, 2).reshape(b, t, heads * vd)
        h = h + o @ params[p + "self_attn.o_proj.weight"].T
        m = rms_norm(h, params[p + "post_attention_layernorm.weight"], eps)
        u = torch.relu(m @ params[p + "mlp.up_proj.weight"].T).square()
        h = h + u @ params[p + "mlp.down_proj.weight"].T
    h = rms_norm(h, params["model.norm.weight"], eps)
    return h @ emb.T                                                           # (B, T, V)


def read_tokens(path):
    """{"batch_size", "sequence_length", "inputs", "targets", optional "loss_mask", "document_index"}."""
    with open(path) as f:
        data = json.load(f)
    b, t = data["batch_size"], data["sequence_length"]
    out = {"inputs": torch.tensor(data["inputs"], dtype=torch.int64).view(b, t),
           "targets": torch.tensor(data["targets"], dtype=torch.int64).view(b, t)}
    if data.get("loss_mask") is not None:
        out["loss_mask"] = torch.tensor(data["loss_mask"], dtype=torch.float64).view(b, t)
    if data.get("document_index") is not None:
        out["document_index"] = torch.tensor(data["document_index"], dtype=torch.int64).view(b, t)
    return out


def loss_and_grad_norms(cfg, params, tokens, mask_documents=False):
    """Mean cross-entropy over counted targets, and the L2 norm of each tensor's gradient of it."""
    for p in params.values():
        p.grad = None
    logits = forward_logits(cfg, params, tokens["inputs"], tokens.get("document_index") if mask_documents else None)
    logp = torch.log_softmax(logits, dim=-1)
    nll = -logp.gather(-1, tokens["targets"][..., None])[..., 0]             # (B, T)
    mask = tokens.get("loss_mask")
    if mask is None:
        mask = torch.ones_like(nll)
    count = int(mask.sum().item())
    loss = (nll * mask.to(nll.dtype)).sum() / max(count, 1)
    loss.backward()
    norms = {name: p.grad.norm().item() for name, p in params.items()}
    return loss.item(), count, norms


def save_weights(folder, cfg, params):
    with open(f"{folder}/config.json", "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")
    save_file({k: v.detach().to(torch.float32).contiguous() for k, v in params.items()},
              f"{folder}/model.safetensors", metadata={"format": "pt"})


def hf_config(**shape):
    """config.json for a PLM shape, with the fixed keys Hugging Face's PLM config carries."""
    cfg = {"architectures": ["PLMForCausalLM"], "model_type": "plm", "q_lora_rank": None,
           "tie_word_embeddings": True, "hidden_act": "relu2", "torch_dtype": "float32",
           "rope_theta": 100000.0, "rms_norm_eps": 1e-6, "rope_interleave": True, "attention_bias": False}
    cfg.update(shape)
    cfg["num_key_value_heads"] = cfg["num_attention_heads"]
    return cfg


def random_weights(cfg, seed, std=0.02):
    """Torch's own initialisation for the reverse check: N(0, std) matrices and norms near 1
    (perturbed, so their gradients and their use are exercised)."""
    g = torch.Generator().manual_seed(seed)
    params = {}
    for name, shape in parameter_shapes(cfg).items():
        if len(shape) == 1:
            params[name] = 1.0 + 0.1 * torch.randn(shape, generator=g)
        else:
            params[name] = std * torch.randn(shape, generator=g)
    return params
