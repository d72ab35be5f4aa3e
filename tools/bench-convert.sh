#!/usr/bin/env bash
# Conversion benchmark: probe-convert vs numpy.loadtxt + h5py on the same text file.
#
# Usage: tools/bench-convert.sh [SIZE] [DIM]     (default 512M of text, d = 768)
# Needs python3 with numpy and h5py (pip install numpy h5py). Prints MB/s side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-512M}
dim=${2:-768}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-convert.XXXXXX")
trap 'rm -rf "$work"' EXIT

swift build -c release --product probe-convert >/dev/null
python3 tools/gen-embeddings.py "$work/e.txt" --size "$size" --dim "$dim" 2>/dev/null
bytes=$(stat -c %s "$work/e.txt" 2>/dev/null || stat -f %z "$work/e.txt")
cat "$work/e.txt" >/dev/null   # both runs start from the page cache

t0=$(date +%s.%N)
.build/release/probe-convert "$work/e.txt" -o "$work/swift.h5" --quiet
t1=$(date +%s.%N)
python3 - "$work/e.txt" "$work/numpy.h5" <<'PY'
import sys, numpy as np, h5py
x = np.loadtxt(sys.argv[1], dtype=np.float32)
with h5py.File(sys.argv[2], "w") as f:
    f.create_dataset("embeddings", data=x)
PY
t2=$(date +%s.%N)
python3 - "$work/swift.h5" "$work/numpy.h5" <<'PY'
import sys, h5py, numpy as np
a = h5py.File(sys.argv[1])["embeddings/e"][...]
b = h5py.File(sys.argv[2])["embeddings"][...]
print("outputs equal (float32):", a.shape == b.shape and np.array_equal(a, b))
PY
awk -v b="$bytes" -v s="$t0" -v m="$t1" -v e="$t2" -v c="$(nproc 2>/dev/null || sysctl -n hw.ncpu)" 'BEGIN {
  mb = b / 1e6; ts = m - s; tn = e - m
  printf "text: %.0f MB, %d cores\n", mb, c
  printf "%-28s %8.2f s %8.1f MB/s\n", "probe-convert", ts, mb / ts
  printf "%-28s %8.2f s %8.1f MB/s\n", "numpy.loadtxt + h5py", tn, mb / tn
  printf "speed-up: %.1fx\n", tn / ts
}'
