#!/usr/bin/env bash
# Store layout benchmark: the same generated task converted three ways — contiguous (the
# layout before 0.2, `--chunk-rows 0`), chunked and memory-mapped (the default), chunked and
# compressed (`--compress 1`) — then, side by side for each store: its size, the conversion
# time, one block-reader pass per read pattern (Benchmarks/ store-bench: in-place blocks,
# copied blocks, label-by-label gathers; best of 5, warm page cache) and `probe` (mode
# probing on the training split, wall time, best of --probe-runs).
#
# Usage: tools/bench-layout.sh [--rows 100000] [--dim 768] [--labels 20] [--tangle 0]
#                              [--probe-runs 1] [--keep DIR]
# Needs python3 with numpy (tools/gen-task.py). Builds probe, probe-convert (release, in
# .build) and store-bench (release, under ${TMPDIR:-/tmp}/directprobe-bench-build, or
# BENCH_SCRATCH_PATH). The generated data lives in a temporary folder (removed at the end
# unless --keep DIR names one to keep).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=100000 dim=768 labels=20 tangle=0 probe_runs=1 keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift 2 ;;
    --dim) dim=$2; shift 2 ;;
    --labels) labels=$2; shift 2 ;;
    --tangle) tangle=$2; shift 2 ;;
    --probe-runs) probe_runs=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "bench-layout: unknown option $1" >&2; exit 1 ;;
  esac
done
if [ -n "$keep" ]; then work=$keep; mkdir -p "$work"; else
  work=$(mktemp -d "${TMPDIR:-/tmp}/bench-layout.XXXXXX"); trap 'rm -rf "$work"' EXIT; fi

scratch=${BENCH_SCRATCH_PATH:-${TMPDIR:-/tmp}/directprobe-bench-build}
swift build -c release --product probe-convert >&2
swift build -c release --product probe >&2
swift build -c release --package-path Benchmarks --scratch-path "$scratch" ${BENCH_JOBS:+-j "$BENCH_JOBS"} --product store-bench >&2
bench=$(swift build -c release --package-path Benchmarks --scratch-path "$scratch" --show-bin-path)/store-bench

[ -d "$work/task" ] || python3 tools/gen-task.py "$work/task" --rows "$rows" --test-rows 1 --dim "$dim" \
  --labels "$labels" --tangle "$tangle" --noise 0.05 >&2
rm -f "$work/task/embeddings/synthetic/test/0/1.txt" "$work/task/entities/test.txt"  # train only
key=synthetic/train/0/1
now() { date +%s.%N; }

declare -A convert size
for layout in contiguous chunked compressed; do
  case $layout in
    contiguous) flags=(--chunk-rows 0) ;;
    chunked) flags=() ;;
    compressed) flags=(--compress 1) ;;
  esac
  cat "$work/task/embeddings/$key.txt" >/dev/null
  t0=$(now)
  .build/release/probe-convert "$work/task" -o "$work/$layout.h5" --force --quiet "${flags[@]}"
  t1=$(now)
  convert[$layout]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  size[$layout]=$(stat -c %s "$work/$layout.h5" 2>/dev/null || stat -f %z "$work/$layout.h5")
done

declare -A probe_s
for layout in contiguous chunked compressed; do
  cat > "$work/$layout.ini" <<EOF
[run]
output_path = $work/results-$layout
[data]
label_set_path = $work/task/labels/tags.txt
entities_path = $work/task/entities/train.txt
embeddings_path = $work/$layout.h5:$key
[clustering]
mode = probing
rate = 0.05
EOF
  best=""
  for _ in $(seq "$probe_runs"); do
    t0=$(now)
    .build/release/probe --config "$work/$layout.ini" --force --quiet
    t1=$(now)
    t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
  done
  probe_s[$layout]=$best
  grep -h "Finish loading embeddings" "$work/results-$layout/log.txt" | sed "s/^.*INFO: /  $layout: /" >&2
done
for layout in chunked compressed; do
  for f in clusters.txt vec.txt outside_min.txt inside_mean.txt inside_max.txt; do
    cmp -s "$work/results-contiguous/$f" "$work/results-$layout/$f" || echo "WARNING: $f differs ($layout vs contiguous)"
  done
done

echo "task: $rows x $dim float32 ($(awk -v b=$((rows * dim * 4)) 'BEGIN { printf "%.0f MB", b / 1e6 }')), $labels labels, tangle $tangle; $(nproc 2>/dev/null || sysctl -n hw.ncpu) cores"
declare -A pass
for layout in contiguous chunked compressed; do
  out=$("$bench" "$work/$layout.h5" "$key")
  echo "$out" | head -1 | sed "s|^$work/||"
  for p in blocks read gather; do
    pass[$layout.$p]=$(echo "$out" | awk -v p="$p" '$1 == p { print $2 }')
  done
done
printf '\n%-34s %12s %12s %12s\n' "" contiguous chunked compressed
printf '%-34s %12s %12s %12s\n' "file size (MB)" $(for l in contiguous chunked compressed; do awk -v b="${size[$l]}" 'BEGIN { printf "%.1f ", b / 1e6 }'; done)
printf '%-34s %12s %12s %12s\n' "probe-convert (s)" "${convert[contiguous]}" "${convert[chunked]}" "${convert[compressed]}"
for p in blocks read gather; do
  printf '%-34s %12s %12s %12s\n' "block reader: $p (s)" "${pass[contiguous.$p]}" "${pass[chunked.$p]}" "${pass[compressed.$p]}"
done
printf '%-34s %12s %12s %12s\n' "probe, mode probing (s)" "${probe_s[contiguous]}" "${probe_s[chunked]}" "${probe_s[compressed]}"
awk -v c="${probe_s[contiguous]}" -v k="${probe_s[chunked]}" -v z="${probe_s[compressed]}" \
    -v bc="${pass[contiguous.blocks]}" -v bk="${pass[chunked.blocks]}" -v bz="${pass[compressed.blocks]}" \
  'BEGIN { printf "\nchunked / contiguous: probe %.2fx, block pass %.2fx; compressed / contiguous: probe %.2fx, block pass %.2fx\n", k / c, bk / bc, z / c, bz / bc }'
