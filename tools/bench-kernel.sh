#!/usr/bin/env bash
# Kernel benchmark: GFLOP/s of plain OpenBLAS cblas_sgemm, of the squared-distance tile
# pipeline (squaredRowNorms + squaredDistances) and of DistanceKernel.pairwiseStatistics,
# side by side (m = n = 2048, 4096; d = 384, 768, 1024; all cores; best of 5).
#
# Usage: tools/bench-kernel.sh [--sizes 2048,4096] [--dims 384,768,1024] [--repeats 5]
#                              [--threads N] [--tile 1024] [--no-pairwise]
# Builds Benchmarks/ (a separate package) in release mode under ${TMPDIR:-/tmp}; set
# BENCH_SCRATCH_PATH to use another build folder, BENCH_JOBS to limit build jobs.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${BENCH_SCRATCH_PATH:-${TMPDIR:-/tmp}/directprobe-bench-build}
build=(swift build -c release --package-path Benchmarks --scratch-path "$scratch" ${BENCH_JOBS:+-j "$BENCH_JOBS"})

"${build[@]}" --product kernel-bench >&2
bin=$("${build[@]}" --show-bin-path)
"$bin/kernel-bench" "$@"
