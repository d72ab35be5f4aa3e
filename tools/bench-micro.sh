#!/usr/bin/env bash
# Micro-benchmarks (ordo-one/benchmark): DecimalParser.parse and EmbeddingTextReader
# throughput, one squared-distance tile at d = 768, hullDistance on two 1000×384 clusters.
#
# Usage: tools/bench-micro.sh [benchmark plugin arguments]
#   e.g. tools/bench-micro.sh --filter 'Decimal.*'      (default: run all, --no-progress)
#        tools/bench-micro.sh help
# Builds Benchmarks/ (a separate package) in release mode under ${TMPDIR:-/tmp}; set
# BENCH_SCRATCH_PATH to use another build folder, BENCH_JOBS to limit build jobs.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=${BENCH_SCRATCH_PATH:-${TMPDIR:-/tmp}/directprobe-bench-build}
if [ $# -eq 0 ]; then set -- --no-progress; fi
swift package --package-path Benchmarks --scratch-path "$scratch" ${BENCH_JOBS:+-j "$BENCH_JOBS"} benchmark "$@"
