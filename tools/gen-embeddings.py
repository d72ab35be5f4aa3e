#!/usr/bin/env python3
"""Write a synthetic embeddings text file (one vector per line, "%.6f" values), streaming.

Usage: tools/gen-embeddings.py OUT.txt --rows N --dim D [--seed S]
       tools/gen-embeddings.py OUT.txt --size 2G --dim 768

Memory stays at one block of rows whatever the size. Values look like real
transformer activations (mostly |x| < 2, six decimals, about 9 bytes each).
"""
import argparse, sys
import numpy as np


def parse_size(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(float(text[:-1]) * units[text[-1].upper()]) if text[-1].upper() in units else int(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--rows", type=int)
    ap.add_argument("--size", help="approximate file size instead of --rows, e.g. 2G")
    ap.add_argument("--dim", type=int, default=768)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    bytes_per_row = args.dim * 9.3
    rows = args.rows if args.rows else int(parse_size(args.size) / bytes_per_row)
    block = max(1, 4_000_000 // args.dim)
    fmt = " ".join(["%.6f"] * args.dim) + "\n"
    with open(args.out, "w") as out:
        done = 0
        while done < rows:
            n = min(block, rows - done)
            x = rng.standard_normal((n, args.dim), dtype=np.float32) * 0.6
            out.write("".join(fmt % tuple(r) for r in x.tolist()))
            done += n
    print(f"wrote {rows} x {args.dim} to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
