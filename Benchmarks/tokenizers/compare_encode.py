"""Encoder parity: `plm tokenizer encode` against Hugging Face tokenizers and transformers'
AutoTokenizer, on held-out text (prose, code, CJK, emoji, mixed whitespace, special tokens written
literally, pathological runs), real documents and random strings.

Tokenizers compared (each trained here with HF on the corpus sample, then):
  ours     HF-trained in our shape, re-written by `plm tokenizer inspect --rewrite-to` (our writer):
           the re-written tokenizer.json must be byte-identical, and must load in HF and AutoTokenizer
           (with tokenizer_config.json: chat template, eos/pad);
  qwen2    a Qwen2-style file: NFC normaliser, special tokens after the trained vocabulary, non-special
           added tokens;
  llama3   a Llama 3-style file: llama3 pattern, ignore_merges true;
  --tokenizer DIR (optional, e.g. from `plm tokenizer train`).
Each: ids with special tokens recognised (HF default) and not (split_special_tokens).

Run: /root/.cache/plm-peers/tok/bin/python Benchmarks/tokenizers/compare_encode.py --plm .build-h/debug/plm
(needs transformers in the venv for AutoTokenizer: pip install transformers)
"""
import argparse
import glob
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from heldout_texts import SPECIALS, TEXTS  # noqa: E402
from patterns import PATTERNS  # noqa: E402
from make_pretokenizer_golden import random_strings  # noqa: E402

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers  # noqa: E402


def corpus_texts(limit_mb):
    import zstandard
    texts, total = [], 0
    for path in sorted(glob.glob("shards/local/filter/output/*/*.jsonl.zst")):
        with open(path, "rb") as f:
            data = zstandard.ZstdDecompressor().stream_reader(f).read()
        for line in data.decode("utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
                total += len(texts[-1])
        if total > limit_mb * 1e6:
            break
    return texts


def train(preset, vocab_size, texts, qwen_style=False, llama_style=False):
    tokenizer = Tokenizer(models.BPE())
    if qwen_style:
        tokenizer.normalizer = normalizers.NFC()
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(PATTERNS[preset]), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    in_vocab = [] if (qwen_style or llama_style) else SPECIALS
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=in_vocab,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator(texts, trainer)
    if qwen_style or llama_style:
        tokenizer.add_special_tokens(SPECIALS)
    if qwen_style:
        tokenizer.add_tokens(["<tool_call>", "</tool_call>"])
    if llama_style:
        data = json.loads(tokenizer.to_str())
        data["model"]["ignore_merges"] = True
        tokenizer = Tokenizer.from_str(json.dumps(data))
    return tokenizer


def plm_encode(plm, folder, texts, allow_special, scratch):
    path = os.path.join(scratch, "texts.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for text in texts:
            f.write(json.dumps({"text": text}) + "\n")
    command = [plm, "tokenizer", "encode", "--tokenizer", folder, "--jsonl", "--input", path, "--json"]
    if allow_special:
        command.append("--allow-special")
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def hf_encode(tokenizer, texts, allow_special):
    tokenizer.encode_special_tokens = not allow_special
    ids = [e.ids for e in tokenizer.encode_batch(texts, add_special_tokens=False)]
    tokenizer.encode_special_tokens = False
    return ids


def auto_encode(folder, texts, allow_special):
    from transformers import AutoTokenizer
    auto = AutoTokenizer.from_pretrained(folder, split_special_tokens=not allow_special)
    return [auto(text, add_special_tokens=False)["input_ids"] for text in texts]


def report(name, ours, theirs, texts):
    differing = [i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b]
    tokens = sum(len(t) for t in theirs)
    if not differing and len(ours) == len(theirs):
        print(f"  {name}: identical on {len(texts)} texts ({tokens} tokens)")
        return True
    print(f"  {name}: {len(differing)} of {len(texts)} texts differ, e.g. {texts[differing[0]][:80]!r}")
    return False


def compare(label, plm, folder, texts, scratch, with_auto):
    print(f"{label} ({folder}):")
    hf = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    ok = True
    for allow in (True, False):
        kind = "special recognised" if allow else "special as text"
        ours = plm_encode(plm, folder, texts, allow, scratch)
        ok &= report(f"HF tokenizers, {kind}", ours, hf_encode(hf, texts, allow), texts)
        if with_auto:
            ok &= report(f"AutoTokenizer, {kind}", ours, auto_encode(folder, texts, allow), texts)
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--plm", required=True, help="the plm executable")
    parser.add_argument("--tokenizer", help="also compare this tokenizer folder (e.g. from plm tokenizer train)")
    parser.add_argument("--corpus-mb", type=float, default=4, help="MB of corpus documents to train and test on")
    parser.add_argument("--vocab-size", type=int, default=8000)
    args = parser.parse_args()
    try:
        import transformers  # noqa: F401
        with_auto = True
    except ImportError:
        print("(transformers not installed: AutoTokenizer not checked)")
        with_auto = False

    corpus = corpus_texts(args.corpus_mb)
    train_texts, held_out = corpus[: len(corpus) * 3 // 4], corpus[len(corpus) * 3 // 4:]
    texts = TEXTS + held_out + random_strings(random.Random(7), 2000)
    print(f"{len(train_texts)} training documents; {len(texts)} test texts "
          f"({len(TEXTS)} hand-picked, {len(held_out)} held-out documents, 2000 random strings)")
    scratch = tempfile.mkdtemp(prefix="plm-compare-encode-")
    ok = True
    try:
        # Ours: HF-trained in our shape, then re-written by our writer.
        hf_folder, our_folder = os.path.join(scratch, "hf-qwen2"), os.path.join(scratch, "ours-qwen2")
        os.makedirs(hf_folder)
        train("qwen2", args.vocab_size, train_texts).save(os.path.join(hf_folder, "tokenizer.json"))
        subprocess.run([args.plm, "tokenizer", "inspect", "--tokenizer", hf_folder, "--rewrite-to", our_folder],
                       check=True, capture_output=True)
        with open(os.path.join(hf_folder, "tokenizer.json"), "rb") as a, open(os.path.join(our_folder, "tokenizer.json"), "rb") as b:
            same = a.read() == b.read()
        print(f"writer: our tokenizer.json is {'byte-identical to' if same else 'DIFFERENT from'} HF's save()")
        ok &= same
        if with_auto:
            from transformers import AutoTokenizer
            auto = AutoTokenizer.from_pretrained(our_folder)
            chat = auto.apply_chat_template([{"role": "user", "content": "hi"}], tokenize=False, add_generation_prompt=True)
            expected = "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"
            print(f"AutoTokenizer: {type(auto).__name__}, eos {auto.eos_token!r}, pad {auto.pad_token!r}, "
                  f"max length {auto.model_max_length}, chat template {'OK' if chat == expected else repr(chat)}")
            ok &= chat == expected and auto.eos_token == "<|endoftext|>"
        ok &= compare("ours (qwen2 pattern, our writer)", args.plm, our_folder, texts, scratch, with_auto)

        for name, preset, kwargs in [("qwen2-style", "qwen2", {"qwen_style": True}),
                                     ("llama3-style", "llama3", {"llama_style": True}),
                                     ("gpt2 pattern", "gpt2", {})]:
            folder = os.path.join(scratch, name)
            os.makedirs(folder)
            train(preset, args.vocab_size, train_texts, **kwargs).save(os.path.join(folder, "tokenizer.json"))
            ok &= compare(name, args.plm, folder, texts, scratch, with_auto=False)
        if args.tokenizer:
            ok &= compare("given", args.plm, args.tokenizer, texts, scratch, with_auto)
    finally:
        shutil.rmtree(scratch)
    print("ALL IDENTICAL" if ok else "DIFFERENCES FOUND")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
