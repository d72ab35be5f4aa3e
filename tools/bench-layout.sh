#!/usr/bin/env bash
# Store layout benchmark: the same generated task converted four ways — contiguous (the
# layout before 0.2, `--chunk-rows 0`), chunked and memory-mapped (the default: whole-page
# chunks, back to back, one mapped run), chunked with gaps (`--chunk-rows 1001`: chunks that
# do not fill whole pages, mapped chunk by chunk, blocks across two chunks copied) and
# chunked and compressed (`--compress 1`) — then, side by side for each store: its size, the
# conversion time, one block-reader pass per read pattern (Benchmarks/ store-bench:
# in-place blocks, copied blocks, label-by-label gathers; best of 5, warm page cache) and
# `probe` (mode probing on the training split, wall time, best of --probe-runs; a run longer
# than --probe-timeout seconds is stopped and shown as ">N").
#
# Usage: tools/bench-layout.sh [--rows 100000] [--dim 768] [--labels 20] [--tangle 0]
#                              [--probe-runs 1] [--probe-timeout 600] [--keep DIR]
# Needs python3 with numpy (tools/gen-task.py). Builds probe, probe-convert (release, in
# .build) and store-bench (release, under ${TMPDIR:-/tmp}/directprobe-bench-build, or
# BENCH_SCRATCH_PATH). The generated data lives in a temporary folder (removed at the end
# unless --keep DIR names one to keep).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=100000 dim=768 labels=20 tangle=0 probe_runs=1 probe_timeout=600 keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift 2 ;;
    --dim) dim=$2; shift 2 ;;
    --labels) labels=$2; shift 2 ;;
    --tangle) tangle=$2; shift 2 ;;
    --probe-runs) probe_runs=$2; shift 2 ;;
    --probe-timeout) probe_timeout=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
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

layouts=(contiguous chunked gaps compressed)
declare -A convert size
for layout in "${layouts[@]}"; do
  case $layout in
    contiguous) flags=(--chunk-rows 0) ;;
    chunked) flags=() ;;
    gaps) flags=(--chunk-rows 1001) ;;
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
for layout in "${layouts[@]}"; do
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
    if timeout "$probe_timeout" .build/release/probe --config "$work/$layout.ini" --force --quiet; then
      t1=$(now)
      t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    else
      t=">$probe_timeout"; best=$t; break
    fi
    best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
  done
  probe_s[$layout]=$best
  grep -h "Finish loading embeddings" "$work/results-$layout/log.txt" 2>/dev/null | sed "s/^.*INFO: /  $layout: /" >&2 || true
done
for layout in chunked gaps compressed; do
  [[ ${probe_s[$layout]} == ">"* ]] && continue
  for f in clusters.txt vec.txt outside_min.txt inside_mean.txt inside_max.txt; do
    cmp -s "$work/results-contiguous/$f" "$work/results-$layout/$f" || echo "WARNING: $f differs ($layout vs contiguous)"
  done
done

echo "task: $rows x $dim float32 ($(awk -v b=$((rows * dim * 4)) 'BEGIN { printf "%.0f MB", b / 1e6 }')), $labels labels, tangle $tangle; $(nproc 2>/dev/null || sysctl -n hw.ncpu) cores"
declare -A pass
for layout in "${layouts[@]}"; do
  out=$("$bench" "$work/$layout.h5" "$key")
  echo "$out" | head -1 | sed "s|^$work/||"
  for p in blocks read gather; do
    pass[$layout.$p]=$(echo "$out" | awk -v p="$p" '$1 == p { print $2 }')
  done
done
row() { printf '%-30s %12s %12s %12s %12s\n' "$@"; }
echo
row "" contiguous chunked "chunked,gaps" compressed
row "file size (MB)" $(for l in "${layouts[@]}"; do awk -v b="${size[$l]}" 'BEGIN { printf "%.1f ", b / 1e6 }'; done)
row "probe-convert (s)" $(for l in "${layouts[@]}"; do echo "${convert[$l]}"; done)
for p in blocks read gather; do
  row "block reader: $p (s)" $(for l in "${layouts[@]}"; do echo "${pass[$l.$p]}"; done)
done
row "probe, mode probing (s)" $(for l in "${layouts[@]}"; do echo "${probe_s[$l]}"; done)
echo
for l in chunked gaps compressed; do
  awk -v name="$l" -v c="${probe_s[contiguous]}" -v k="${probe_s[$l]}" -v bc="${pass[contiguous.blocks]}" -v bk="${pass[$l.blocks]}" \
      -v rc="${pass[contiguous.read]}" -v rk="${pass[$l.read]}" -v gc="${pass[contiguous.gather]}" -v gk="${pass[$l.gather]}" \
    'BEGIN { p = (k ~ /^>/) ? "n/a" : sprintf("%.2fx", k / c)
             printf "%-11s / contiguous: blocks %.2fx, read %.2fx, gather %.2fx, probe %s\n", name, bk / bc, rk / rc, gk / gc, p }'
done
