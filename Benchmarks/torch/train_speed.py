"""PyTorch's training speed on the same PLM shapes as `plm-bench train-speed` (forward + backward +
AdamW step, fp32, on the CPU, same threads, same B and T), for the README's speed table.

The model is written here from docs/ARCHITECTURE.md with torch's fastest CPU building blocks
(nn.functional.linear, scaled_dot_product_attention with is_causal), so the comparison is against a
fair PyTorch, not a slow one.

    /root/.cache/plm-peers/torch/bin/python Benchmarks/torch/train_speed.py --threads 2
"""
import argparse
import math
import time

import torch
import torch.nn.functional as F

PRESETS = {
    # name: (hidden, layers, heads, kv_lora, nope, rope, v, ffn, vocab), batch, sequence
    "tiny": ((128, 4, 4, 64, 32, 16, 32, 512, 2048), 8, 256),
    "small": ((512, 8, 8, 128, 64, 32, 64, 2048, 8192), 4, 256),
}


class PLM(torch.nn.Module):
    def __init__(self, d, layers, heads, kv_lora, nope, rope, vd, ffn, vocab, theta=100000.0, eps=1e-6):
        super().__init__()
        self.shape = (d, layers, heads, kv_lora, nope, rope, vd, ffn, vocab)
        self.eps, self.theta = eps, theta
        p = lambda *s: torch.nn.Parameter(torch.randn(*s) * 0.02)
        ones = lambda n: torch.nn.Parameter(torch.ones(n))
        self.embed = p(vocab, d)
        self.layers = torch.nn.ModuleList()
        for _ in range(layers):
            layer = torch.nn.Module()
            layer.ln1, layer.q = ones(d), p(heads * (nope + rope), d)
            layer.kva, layer.kv_ln, layer.kvb = p(kv_lora + rope, d), ones(kv_lora), p(heads * (nope + vd), kv_lora)
            layer.o, layer.ln2, layer.up, layer.down = p(d, heads * vd), ones(d), p(ffn, d), p(d, ffn)
            self.layers.append(layer)
        self.norm = ones(d)

    def rms(self, x, w):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * w

    def rope(self, x, cos, sin):
        even, odd = x[..., 0::2], x[..., 1::2]
        return torch.stack([even * cos - odd * sin, even * sin + odd * cos], dim=-1).flatten(-2)

    def forward(self, inputs):
        d, _, heads, r, nope, rope, vd, _, _ = self.shape
        b, t = inputs.shape
        inv = 1.0 / (self.theta ** (torch.arange(0, rope, 2, dtype=torch.float64) / rope))
        angles = torch.arange(t, dtype=torch.float64)[:, None] * inv[None]
        cos, sin = angles.cos().float(), angles.sin().float()
        h = self.embed[inputs]
        for L in self.layers:
            a = self.rms(h, L.ln1)
            q = F.linear(a, L.q).view(b, t, heads, nope + rope).transpose(1, 2)
            ckv = F.linear(a, L.kva)
            c, k_pe = ckv[..., :r], ckv[..., r:]
            kv = F.linear(self.rms(c, L.kv_ln), L.kvb).view(b, t, heads, nope + vd).transpose(1, 2)
            q = torch.cat([q[..., :nope], self.rope(q[..., nope:], cos, sin)], dim=-1)
            k_pe = self.rope(k_pe, cos, sin)[:, None].expand(b, heads, t, rope)
            k = torch.cat([kv[..., :nope], k_pe], dim=-1)
            o = F.scaled_dot_product_attention(q, k, kv[..., nope:], is_causal=True)
            h = h + F.linear(o.transpose(1, 2).reshape(b, t, heads * vd), L.o)
            h = h + F.linear(torch.relu(F.linear(self.rms(h, L.ln2), L.up)).square(), L.down)
        return F.linear(self.rms(h, self.norm), self.embed)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--models", default="tiny,small")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    for name in args.models.split(","):
        shape, b, t = PRESETS[name]
        model = PLM(*shape)
        params = sum(p.numel() for p in model.parameters())
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.95), weight_decay=0.1)
        tokens = torch.randint(0, shape[-1], (b, t + 1))
        x, y = tokens[:, :-1], tokens[:, 1:]
        elapsed = 0.0
        for step in range(args.steps + 1):
            start = time.perf_counter()
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x).reshape(-1, shape[-1]), y.reshape(-1))
            loss.backward()
            opt.step()
            if step > 0:
                elapsed += time.perf_counter() - start
        print(f"torch plm-{name} ({params} params) B={b} T={t}: {args.steps * b * t / elapsed:.0f} tok/s "
              f"(loss {loss.item():.3f})")


if __name__ == "__main__":
    main()
