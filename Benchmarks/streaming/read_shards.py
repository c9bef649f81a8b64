"""Reads plm's shards with the trainers' own readers and checks they hold exactly our token arrays.

usage: ../shared/peers/setup.sh torch
       plm pack pipelines/local.yaml [--byte-tokens]
       ~/.cache/plm-peers/torch/bin/python Benchmarks/streaming/read_shards.py shards/local/pack/pretrain-1/train \
           [--plm .build/release/plm]

For each MDS folder: `streaming.StreamingDataset(local=DIR)` (no network, no remote) yields every
sample; its `tokens` must equal, sample by sample, (1) what plm's Swift reader dumps
(`plm shards inspect DIR --dump-tokens`) and (2) the sequence at the same position of the
Megatron indexed dataset DIR/megatron/tokens.{bin,idx}, read with Megatron's layout
(MMIDIDX header, lengths, pointers, document indices) in NumPy. Exit status 1 on any mismatch.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
from streaming import StreamingDataset

MEGATRON_DTYPES = {1: np.uint8, 2: np.int8, 3: np.int16, 4: np.int32, 5: np.int64, 6: np.float64, 7: np.float32, 8: np.uint16}


def read_megatron(prefix):
    """Megatron-LM's MMapIndexedDataset layout, parsed field by field."""
    with open(prefix + ".idx", "rb") as f:
        idx = f.read()
    assert idx[:9] == b"MMIDIDX\x00\x00", "bad magic"
    version = int.from_bytes(idx[9:17], "little")
    assert version == 1, version
    dtype = MEGATRON_DTYPES[idx[17]]
    sequences = int.from_bytes(idx[18:26], "little")
    documents = int.from_bytes(idx[26:34], "little")
    offset = 34
    lengths = np.frombuffer(idx, np.int32, sequences, offset); offset += 4 * sequences
    pointers = np.frombuffer(idx, np.int64, sequences, offset); offset += 8 * sequences
    doc_idx = np.frombuffer(idx, np.int64, documents, offset)
    data = np.memmap(prefix + ".bin", dtype=np.uint8, mode="r")
    itemsize = np.dtype(dtype).itemsize
    return [np.frombuffer(data[p:p + n * itemsize].tobytes(), dtype) for p, n in zip(pointers, lengths)], doc_idx


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--plm", default=".build/release/plm")
    args = parser.parse_args()
    failures = 0
    for folder in args.folders:
        dataset = StreamingDataset(local=folder, shuffle=False, batch_size=1)
        column = "tokens" if "tokens" in dataset[0] else "chosen"
        ours = [dataset[i][column] for i in range(len(dataset))]
        seq = len(ours[0])
        checks = [f"{len(ours)} samples of {seq} {ours[0].dtype}"]
        if column == "tokens":
            with tempfile.TemporaryDirectory() as tmp:
                dump = os.path.join(tmp, "tokens.bin")
                subprocess.run([args.plm, "shards", "inspect", folder, "-s", "0", "--dump-tokens", dump],
                               check=True, stdout=subprocess.DEVNULL)
                swift = np.fromfile(dump, np.int32).reshape(-1, seq)
            same = len(swift) == len(ours) and all(np.array_equal(a.astype(np.int32), b) for a, b in zip(ours, swift))
            checks.append("Swift reader " + ("identical" if same else "DIFFERENT"))
            failures += not same
            prefix = os.path.join(folder, "megatron", "tokens")
            if os.path.exists(prefix + ".idx"):
                sequences, doc_idx = read_megatron(prefix)
                same = len(sequences) == len(ours) and all(np.array_equal(a, b) for a, b in zip(ours, sequences))
                same = same and list(doc_idx) == list(range(len(ours) + 1))
                checks.append("Megatron .bin/.idx " + ("identical" if same else "DIFFERENT"))
                failures += not same
        # Every other column decodes too (shapes as written).
        for name, value in dataset[0].items():
            checks.append(f"{name}: {getattr(value, 'dtype', type(value).__name__)}{list(getattr(value, 'shape', []))}")
        print(folder + ": " + "; ".join(checks))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
