"""Shared by the llama.cpp peer scripts: what llama.cpp's `plm` loader expects of a GGUF file, the
texts tokenized, and running `plm tokenizer encode`.

The expectations follow llama.cpp's source (vendor/llama.cpp in llama-cpp-python 0.3.36):
src/models/plm.cpp (tensors and their ggml shapes), src/llama-model.cpp (hyperparameter keys),
src/llama-vocab.cpp (tokenizer keys, pre-tokenizer names, EOG detection), ggml/src/gguf.cpp (layout).
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "Benchmarks", "tokenizers"))

# Keys llama.cpp reads for plm, with the GGUF value type its typed getters require.
REQUIRED_KEYS = {
    "general.architecture": "STRING",
    "plm.context_length": "UINT32",
    "plm.embedding_length": "UINT32",
    "plm.block_count": "UINT32",
    "plm.feed_forward_length": "UINT32",
    "plm.attention.head_count": "UINT32",
    "plm.attention.head_count_kv": "UINT32",
    "plm.attention.layer_norm_rms_epsilon": "FLOAT32",
    "plm.attention.kv_lora_rank": "UINT32",
    "plm.attention.key_length": "UINT32",
    "plm.attention.value_length": "UINT32",
    "plm.rope.dimension_count": "UINT32",
    "plm.rope.freq_base": "FLOAT32",
    "tokenizer.ggml.model": "STRING",
    "tokenizer.ggml.pre": "STRING",
    "tokenizer.ggml.tokens": "ARRAY",
    "tokenizer.ggml.token_type": "ARRAY",
    "tokenizer.ggml.merges": "ARRAY",
}
OPTIONAL_KEYS = {
    "general.name": "STRING", "general.type": "STRING", "general.file_type": "UINT32",
    "general.quantization_version": "UINT32", "general.alignment": "UINT32", "plm.vocab_size": "UINT32",
    "tokenizer.ggml.bos_token_id": "UINT32", "tokenizer.ggml.eos_token_id": "UINT32",
    "tokenizer.ggml.padding_token_id": "UINT32", "tokenizer.ggml.add_bos_token": "BOOL",
    "tokenizer.ggml.add_eos_token": "BOOL", "tokenizer.chat_template": "STRING",
}
PRE_NAMES = {"qwen2": "qwen2", "llama-bpe": "llama3", "gpt-2": "gpt2"}


def field_value(field):
    """A GGUFReader field as a Python value (arrays as lists)."""
    return field.contents()


def expected_tensors(kv):
    """{name: ggml shape (innermost first)} as src/models/plm.cpp creates them."""
    n_embd = kv["plm.embedding_length"]
    n_head = kv["plm.attention.head_count"]
    n_rot = kv["plm.rope.dimension_count"]
    head_k = kv["plm.attention.key_length"]
    head_v = kv["plm.attention.value_length"]
    nope = head_k - n_rot
    lora = kv["plm.attention.kv_lora_rank"]
    n_ff = kv["plm.feed_forward_length"]
    n_vocab = len(kv["tokenizer.ggml.tokens"])
    shapes = {"token_embd.weight": [n_embd, n_vocab], "output_norm.weight": [n_embd]}
    for i in range(kv["plm.block_count"]):
        b = f"blk.{i}."
        shapes[b + "attn_norm.weight"] = [n_embd]
        shapes[b + "attn_q.weight"] = [n_embd, head_k * n_head]
        shapes[b + "attn_kv_a_mqa.weight"] = [n_embd, lora + n_rot]
        shapes[b + "attn_kv_a_norm.weight"] = [lora]
        shapes[b + "attn_kv_b.weight"] = [lora, n_head * (nope + head_v)]
        shapes[b + "attn_output.weight"] = [n_head * head_v, n_embd]
        shapes[b + "ffn_norm.weight"] = [n_embd]
        shapes[b + "ffn_down.weight"] = [n_ff, n_embd]
        shapes[b + "ffn_up.weight"] = [n_embd, n_ff]
    return shapes


def default_texts():
    """Hand-picked texts (prose, code, CJK, emoji, whitespace runs, digits, ChatML markup) and the
    tokenizer peers' held-out texts."""
    from heldout_texts import TEXTS  # Benchmarks/tokenizers/heldout_texts.py
    mine = [
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
    return mine + list(TEXTS)


def plm_encode(plm, tokenizer, texts):
    """Ids from `plm tokenizer encode --allow-special --jsonl`, one list per text."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for text in texts:
            f.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
        path = f.name
    try:
        out = subprocess.run([plm, "tokenizer", "encode", "--tokenizer", tokenizer, "--allow-special", "--jsonl",
                              "--json", "--input", path], check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(path)
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    if len(lines) != len(texts):
        raise SystemExit(f"plm printed {len(lines)} lines for {len(texts)} texts")
    return lines


def llama_vocab(path):
    """A vocab-only llama-cpp-python model of the file."""
    from llama_cpp import Llama
    return Llama(model_path=path, vocab_only=True, verbose=False)


def llama_special_ids(model):
    """BOS, EOS, the ids llama.cpp ends generation on, and the token attributes of the control tokens."""
    import llama_cpp
    vocab = llama_cpp.llama_model_get_vocab(model._model.model)
    n = llama_cpp.llama_vocab_n_tokens(vocab)
    eog = [i for i in range(n) if llama_cpp.llama_vocab_is_eog(vocab, i)]
    control = [i for i in range(n) if llama_cpp.llama_vocab_is_control(vocab, i)]
    return {"bos": llama_cpp.llama_vocab_bos(vocab), "eos": llama_cpp.llama_vocab_eos(vocab),
            "eog": eog, "control": control,
            "add_bos": bool(llama_cpp.llama_vocab_get_add_bos(vocab))}


def random_strings(rng, count):
    """Short strings over an alphabet mixing every character class the split regexes turn on, plus
    unassigned and private-use code points (which llama.cpp's Unicode tables may class differently)."""
    alphabet = (
        list("aZs tS'rRvVeElLmMdD") + list("0123456789") + list("!?.,;:-_()[]{}<>/\\\"#$%&*+=@^`|~")
        + [" "] * 6 + ["\n"] * 3 + ["\r", "\t", "\u000b", "\u000c", "\u001c", "\u001f", "\u0085", "\u00a0",
                                     "\u2028", "\u2029", "\u3000", "\u200b", "\u1680", "\u2009"]
        + ["\u00e9", "\u0301", "\u017f", "\u212a", "\u0130", "\u00df", "\u4e2d", "\u6587", "\u3042", "\u0627",
           "\u0661", "\u00b2", "\u2160", "\uff11", "\U0001f600", "\u200d", "\ufe0f", "\U0001d7ce", "\u02b0",
           "\u01c5", "\u3007", "\ufffd", "\u00ad", "\u0378", "\ue000", "\U000e0001", "\U0010fffd"]
        + ["<|im_start|>", "<|im_end|>", "<|endoftext|>"]
    )
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24))) for _ in range(count)]
