#!/usr/bin/env python3
"""Compare a probe result folder with the reference's (expected/) one.

Usage: tools/compare-results.py RESULTS EXPECTED [--tolerance 1e-3]
Checks: the same partition of the training points (up to cluster numbering), and every
number of vec.txt, outside_min.txt, inside_mean.txt, inside_max.txt within the tolerance.
Prints one line per check and the largest differences; exits 1 on any mismatch.
"""
import argparse, os, sys


def read_pairs(path):
    out = {}
    for line in open(path):
        line = line.strip()
        if line:
            key, value = line.rsplit(",", 1)
            out[key] = float(value)
    return out


def partition(path):
    groups = {}
    for i, line in enumerate(open(path)):
        if line.strip():
            groups.setdefault(int(line), []).append(i)
    return sorted(tuple(g) for g in groups.values())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("expected")
    ap.add_argument("--tolerance", type=float, default=1e-3)
    args = ap.parse_args()
    ok = True
    if os.path.exists(os.path.join(args.expected, "clusters.txt")):
        a = partition(os.path.join(args.results, "clusters.txt"))
        b = partition(os.path.join(args.expected, "clusters.txt"))
        same = a == b
        ok &= same
        print(f"clusters.txt: {len(a)} clusters vs {len(b)} expected, same partition: {same}")
    for name in ["vec.txt", "outside_min.txt", "inside_mean.txt", "inside_max.txt"]:
        a = read_pairs(os.path.join(args.results, name))
        b = read_pairs(os.path.join(args.expected, name))
        if a.keys() != b.keys():
            print(f"{name}: different keys"); ok = False; continue
        diffs = sorted(((abs(a[k] - b[k]), k) for k in a), reverse=True)
        worst = diffs[0] if diffs else (0, "")
        bad = [d for d in diffs if d[0] > args.tolerance]
        ok &= not bad
        print(f"{name}: {len(a)} values, max |diff| {worst[0]:.4g} ({worst[1]}), over tolerance: {len(bad)}")
        for d, k in bad[:5]:
            print(f"   {k}: ours {a[k]:.4f} reference {b[k]:.4f}")
    print("MATCH" if ok else "DIFFERENT")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
