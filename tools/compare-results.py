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


def cluster_sets(path):
    groups = {}
    for i, line in enumerate(open(path)):
        if line.strip():
            groups.setdefault(int(line), []).append(i)
    return {k: tuple(v) for k, v in groups.items()}


def compare_predictions(results, expected, tolerance):
    """prediction.txt and dis.txt, with cluster numbers mapped through the partitions."""
    ours = cluster_sets(os.path.join(results, "clusters.txt"))
    theirs = cluster_sets(os.path.join(expected, "clusters.txt"))
    by_members = {v: k for k, v in ours.items()}
    to_ours = {k: by_members.get(v) for k, v in theirs.items()}
    ok = True
    a_lines = open(os.path.join(results, "prediction.txt")).read().splitlines()
    b_lines = open(os.path.join(expected, "prediction.txt")).read().splitlines()
    worst, order_diffs, top_diffs = 0.0, 0, 0
    for a, b in zip(a_lines, b_lines):
        fa, fb = a.split("\t"), b.split("\t")
        ok &= fa[0] == fb[0]
        ea = [(int(x.split("-", 1)[0]), float(x.rsplit(",", 1)[1])) for x in fa[1:]]
        eb = [(to_ours.get(int(x.split("-", 1)[0])), float(x.rsplit(",", 1)[1])) for x in fb[1:]]
        da = dict(ea)
        for k, v in eb:
            worst = max(worst, abs(da.get(k, float("inf")) - v))
        if [k for k, _ in ea] != [k for k, _ in eb]:
            order_diffs += 1
        if ea[0][0] != eb[0][0]:
            top_diffs += 1
    print(f"prediction.txt: {len(a_lines)} vs {len(b_lines)} lines, max |distance diff| {worst:.4g}, "
          f"lines with another cluster order {order_diffs}, with another nearest cluster {top_diffs}")
    ok &= len(a_lines) == len(b_lines) and worst <= tolerance
    def dis(path, mapping):
        out = {}
        for line in open(path):
            left, value = line.rsplit(":", 1)
            i, j = [int(part.strip(" ()").split("-", 1)[0]) for part in left.split(",")]
            i, j = (mapping(i), mapping(j))
            out[(min(i, j), max(i, j))] = float(value)
        return out
    da = dis(os.path.join(results, "dis.txt"), lambda x: x)
    db = dis(os.path.join(expected, "dis.txt"), lambda x: to_ours.get(x))
    diff = max((abs(da.get(k, float("inf")) - v) for k, v in db.items()), default=0)
    print(f"dis.txt: {len(da)} vs {len(db)} pairs, max |diff| {diff:.4g}")
    ok &= da.keys() == db.keys() and diff <= tolerance
    acc = lambda p: [l.split("Acc=")[1].strip() for l in open(p) if "Acc=" in l]
    print(f"accuracy: {acc(os.path.join(results, 'log.txt'))} vs {acc(os.path.join(expected, 'log.txt'))}")
    return ok


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
    if os.path.exists(os.path.join(args.expected, "prediction.txt")):
        ok &= compare_predictions(args.results, args.expected, args.tolerance)
    for name in ["vec.txt", "outside_min.txt", "inside_mean.txt", "inside_max.txt"]:
        if not os.path.exists(os.path.join(args.expected, name)):
            continue
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
