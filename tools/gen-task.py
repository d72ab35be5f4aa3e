#!/usr/bin/env python3
"""Generate a synthetic probing task of any size, streaming, as pre-packed text or as a store.

  tools/gen-task.py OUT --rows 50000 --dim 768 --labels 20 [--tangle 0.5] [--format text|h5]

Points of each label come from --blobs Gaussian blobs in a random --intrinsic-dim
dimensional subspace, embedded in --dim dimensions with a little isotropic noise (real
contextual embeddings also have a low intrinsic dimension). --tangle sets how much the
blobs spread relative to the distance between their centres: 0 gives well-separated
blobs (a linear space, one cluster per label); 1 tangles labels heavily (many clusters).

--format text writes the pre-packed closer-look layout under OUT:
  labels/tags.txt, entities/{train,test}.txt,
  embeddings/synthetic/{train,test}/0/<layer>.txt
--format h5 writes the same task straight into OUT (an HDF5 store in probe-convert's
layout; needs h5py), the embeddings at /embeddings/synthetic/<split>/0/<layer>.
Memory stays at one block of rows whatever --rows is.
"""
import argparse, os, sys
import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=10000, help="training points")
    ap.add_argument("--test-rows", type=int, default=0, help="test points (default: rows // 4)")
    ap.add_argument("--dim", type=int, default=768)
    ap.add_argument("--labels", type=int, default=20)
    ap.add_argument("--blobs", type=int, default=3, help="blobs per label")
    ap.add_argument("--intrinsic-dim", type=int, default=16)
    ap.add_argument("--tangle", type=float, default=0.3)
    ap.add_argument("--noise", type=float, default=0.05,
                    help="isotropic noise in all --dim dimensions; 0 keeps the points in the subspace "
                         "(noise in many dimensions makes small labels separable whatever --tangle is)")
    ap.add_argument("--layers", default="1", help="layer numbers, e.g. 1 or 1-12 (the tangle grows with the layer)")
    ap.add_argument("--format", choices=["text", "h5"], default="text")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    rng = np.random.default_rng(args.seed)
    k, d = args.intrinsic_dim, args.dim
    names = [f"L{i:02d}" for i in range(args.labels)]
    centres = rng.standard_normal((args.labels, args.blobs, k)) * 4.0
    basis = rng.standard_normal((k, d)).astype(np.float32) / np.sqrt(k)
    first, _, last = args.layers.partition("-")
    layers = list(range(int(first), int(last or first) + 1))
    splits = {"train": args.rows, "test": args.test_rows or max(1, args.rows // 4)}
    block = max(1, 2_000_000 // d)

    # Labels of every point, per split: a fixed random draw (stored, O(n) integers).
    split_labels = {s: rng.integers(0, args.labels, size=n) for s, n in splits.items()}
    split_blobs = {s: rng.integers(0, args.blobs, size=n) for s, n in splits.items()}

    def rows(split, layer, start, stop):
        r = np.random.default_rng([args.seed, {"train": 1, "test": 2}[split], layer, start])
        lab, blob = split_labels[split][start:stop], split_blobs[split][start:stop]
        spread = 0.3 + 3.0 * args.tangle * (1 + 0.1 * (layer - layers[0]))
        z = centres[lab, blob] + r.standard_normal((stop - start, k)) * spread
        x = z.astype(np.float32) @ basis + r.standard_normal((stop - start, d)).astype(np.float32) * args.noise
        return x

    if args.format == "text":
        os.makedirs(os.path.join(args.out, "labels"), exist_ok=True)
        os.makedirs(os.path.join(args.out, "entities"), exist_ok=True)
        with open(os.path.join(args.out, "labels/tags.txt"), "w") as f:
            f.write("".join(n + "\n" for n in names))
        fmt = " ".join(["%.6f"] * d) + "\n"
        for split, n in splits.items():
            with open(os.path.join(args.out, f"entities/{split}.txt"), "w") as f:
                f.write("".join(f"p{i}\t{names[l]}\n" for i, l in enumerate(split_labels[split])))
            for layer in layers:
                folder = os.path.join(args.out, f"embeddings/synthetic/{split}/0")
                os.makedirs(folder, exist_ok=True)
                with open(os.path.join(folder, f"{layer}.txt"), "w") as f:
                    for start in range(0, n, block):
                        x = rows(split, layer, start, min(n, start + block))
                        f.write("".join(fmt % tuple(r) for r in x.tolist()))
    else:
        import h5py
        with h5py.File(args.out, "w") as f:
            f.attrs["format"] = "directprobe-swift-store"
            f.attrs["format_version"] = np.int64(1)
            f.attrs["source"] = "tools/gen-task.py " + " ".join(sys.argv[1:])
            f.attrs["creator"] = "gen-task.py"
            f.create_dataset("labels", data=np.array(names, dtype=h5py.string_dtype()))
            for split, n in splits.items():
                f.create_dataset(f"entities/{split}/text", data=np.array([f"p{i}" for i in range(n)], dtype=h5py.string_dtype()))
                f.create_dataset(f"entities/{split}/label", data=split_labels[split].astype(np.int32))
                for layer in layers:
                    ds = f.create_dataset(f"embeddings/synthetic/{split}/0/{layer}", shape=(n, d), dtype=np.float32)
                    for start in range(0, n, block):
                        ds[start:min(n, start + block)] = rows(split, layer, start, min(n, start + block))
                    ds.attrs["split"], ds.attrs["layer"], ds.attrs["model"], ds.attrs["iteration"] = split, str(layer), "synthetic", "0"
    print(f"wrote {args.out}: {splits['train']} train / {splits['test']} test x {d}, {args.labels} labels, layers {layers}", file=sys.stderr)


if __name__ == "__main__":
    main()
