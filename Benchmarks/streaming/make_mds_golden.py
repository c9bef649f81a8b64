"""Writes a small MDS dataset with mosaicml-streaming's own MDSWriter, as the golden that
Tests/ShardsTests/MDSGoldenTests.swift compares our writer with byte for byte.

usage: ../shared/peers/setup.sh torch
       ~/.cache/plm-peers/torch/bin/python Benchmarks/streaming/make_mds_golden.py Benchmarks/streaming/golden/mds

The samples are arithmetic in their index so the Swift test can rebuild them (see goldenSample
in the test); the size limit is tiny so the data rolls over into several shards.
"""
import os
import shutil
import sys

import numpy as np
from streaming import MDSWriter

SEQ = 9          # tokens per sample (seq_len + 1)
SAMPLES = 23
SIZE_LIMIT = 700  # bytes of uncompressed shard: forces rollover


def golden_sample(i):
    tokens = np.array([(i * 7919 + j * 104729) % 65536 for j in range(SEQ)], dtype=np.uint16)
    mask = np.array([1 if (i + j) % 3 else 0 for j in range(SEQ)], dtype=np.uint8)
    boundaries = np.array([0] + [j for j in range(1, SEQ) if (i + j) % 4 == 0], dtype=np.int32)
    return {"tokens": tokens, "loss_mask": mask, "boundaries": boundaries}


def main():
    out = sys.argv[1]
    if os.path.exists(out):
        shutil.rmtree(out)
    columns = {"tokens": f"ndarray:uint16:{SEQ}", "loss_mask": f"ndarray:uint8:{SEQ}", "boundaries": "ndarray:int32"}
    with MDSWriter(out=out, columns=columns, compression="zstd:3", hashes=["sha1", "xxh3_64"],
                   size_limit=SIZE_LIMIT) as writer:
        for i in range(SAMPLES):
            writer.write(golden_sample(i))
    print("wrote", out, sorted(os.listdir(out)))


if __name__ == "__main__":
    main()
