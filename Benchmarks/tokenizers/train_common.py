"""Shared by the training scripts: reading documents as `plm tokenizer train` reads them, and training
Hugging Face tokenizers (0.23.3) the way FORMATS.md section 1 defines (Split regex isolated, then
ByteLevel without its own regex, the given special tokens, no prefix or suffix)."""
import io
import json
import os
import sys

from tokenizers import Regex, Tokenizer, models, pre_tokenizers, trainers

sys.path.insert(0, os.path.dirname(__file__))
from patterns import PATTERNS  # noqa: E402

DEFAULT_SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]


def read_documents(paths):
    """Documents from JSONL (`text` field), JSONL.zst, or plain text files (one document per file)."""
    documents = []
    for path in paths:
        if path.endswith(".jsonl") or path.endswith(".jsonl.zst"):
            if path.endswith(".zst"):
                import zstandard
                with open(path, "rb") as raw:
                    data = zstandard.ZstdDecompressor().stream_reader(raw).read()
                lines = io.StringIO(data.decode("utf-8"))
            else:
                lines = open(path, encoding="utf-8")
            for line in lines:
                if line.strip():
                    documents.append(json.loads(line)["text"])
        else:
            with open(path, encoding="utf-8") as handle:
                documents.append(handle.read())
    return documents


def hf_tokenizer_and_trainer(preset, vocab_size, min_frequency=0, special_tokens=DEFAULT_SPECIAL_TOKENS,
                             full_alphabet=True):
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(PATTERNS[preset]), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    options = dict(vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=list(special_tokens),
                   show_progress=False)
    if full_alphabet:
        options["initial_alphabet"] = pre_tokenizers.ByteLevel.alphabet()
    return tokenizer, trainers.BpeTrainer(**options)


def hf_train(documents, preset, vocab_size, min_frequency=0, special_tokens=DEFAULT_SPECIAL_TOKENS,
             full_alphabet=True):
    """Trains HF on the documents; returns (tokens in id order, merges as [left, right] lists)."""
    tokenizer, trainer = hf_tokenizer_and_trainer(preset, vocab_size, min_frequency, special_tokens, full_alphabet)
    tokenizer.train_from_iterator(documents, trainer, length=len(documents))
    return model_of(json.loads(tokenizer.to_str()))


def model_of(tokenizer_json):
    """(tokens in id order, merges as [left, right]) from a tokenizer.json object (either merge form)."""
    model = tokenizer_json["model"]
    vocab = model["vocab"]
    tokens = [None] * len(vocab)
    for token, index in vocab.items():
        tokens[index] = token
    merges = [m.split(" ", 1) if isinstance(m, str) else list(m) for m in model["merges"]]
    return tokens, merges


def first_difference(ours, theirs):
    """Index of the first differing element, or None when the lists are identical."""
    for index, (a, b) in enumerate(zip(ours, theirs)):
        if a != b:
            return index
    if len(ours) != len(theirs):
        return min(len(ours), len(theirs))
    return None
