#!/usr/bin/env bash
# Builds the libFuzzer targets under Fuzz/ and runs each for SECONDS seconds (default 10).
# Fails (exit 1) as soon as a target crashes, traps or leaks; the crashing input is kept as
# .build/fuzz/<target>-crash-* (reproduce: .build/fuzz/<target> FILE).
#
#   tools/fuzz.sh 10                 # CI: a short run of every target
#   tools/fuzz.sh 600 decimal ini    # a long run of some targets
#   FUZZ_RUNS=10000000 tools/fuzz.sh 3600   # stop each target after that many executions
#   FUZZ_SANITIZE=fuzzer tools/fuzz.sh 600 ini   # without AddressSanitizer (faster; for targets
#                                           # in safe Swift, whose bounds checks trap anyway)
#
# Each target is compiled with `swiftc -sanitize=fuzzer,address -parse-as-library` from its
# Fuzz/<name>/Target.swift and the library sources it exercises (listed below), so the
# parsers are fuzzed exactly as they are built, without the package's C dependencies.
# Seeds are Fuzz/<name>/corpus (read only); inputs found while fuzzing go to
# .build/fuzz/<name>-corpus, kept between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
shift || true
out=.build/fuzz
mkdir -p "$out"

# name|library sources (relative to Sources/)|max input length|extra libFuzzer flags
targets=(
  "decimal|ProbeStore/DecimalParser.swift|64"
  "clusters|ProbeStore/ClusterFile.swift ProbeStore/InputError.swift|512"
  # The reader runs a Dispatch write queue per file, whose pooled threads look like a leak to
  # LeakSanitizer's per-input check (and make it scan the heap each time): leaks off there.
  "embeddings-text|ProbeStore/EmbeddingText.swift ProbeStore/LineBlocks.swift ProbeStore/Internals/InputFile.swift ProbeStore/DecimalParser.swift ProbeStore/InputError.swift ProbeStore/UserText.swift|4096|-detect_leaks=0"
  "embeddings-lines|ProbeStore/EmbeddingText.swift ProbeStore/LineBlocks.swift ProbeStore/Internals/InputFile.swift ProbeStore/DecimalParser.swift ProbeStore/InputError.swift ProbeStore/UserText.swift|1024"
  "ini|$(cd Sources && echo ProbeConfig/*.swift)|1024"
  "npy-header|ProbeStore/NumpyHeader.swift|1024"
)

selected=("$@")
failed=0
for entry in "${targets[@]}"; do
  IFS='|' read -r name sources maxlen flags <<<"$entry"
  if [ ${#selected[@]} -gt 0 ] && [[ ! " ${selected[*]} " == *" $name "* ]]; then continue; fi
  echo "== $name: building"
  files=(Fuzz/"$name"/Target.swift)
  for source in $sources; do files+=("Sources/$source"); done
  swiftc -sanitize="${FUZZ_SANITIZE:-fuzzer,address}" -parse-as-library -O -module-name "Fuzz_${name//-/_}" \
    "${files[@]}" -o "$out/$name" 2> "$out/$name.build.log" || { cat "$out/$name.build.log"; exit 1; }
  mkdir -p "$out/$name-corpus"
  echo "== $name: fuzzing for ${seconds}s"
  runs=()
  if [ -n "${FUZZ_RUNS:-}" ]; then runs=(-runs="$FUZZ_RUNS"); fi
  if "$out/$name" -max_total_time="$seconds" -max_len="$maxlen" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$out/$name-" ${flags:-} "${runs[@]}" \
       "$out/$name-corpus" "Fuzz/$name/corpus" > "$out/$name.log" 2>&1; then
    executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/$name.log" | grep -o '[0-9]*$' || echo "?")
    echo "== $name: ok, $executions executions, corpus $(ls "$out/$name-corpus" | wc -l) inputs"
  else
    echo "== $name: FAILED (see $out/$name.log)"
    tail -40 "$out/$name.log"
    failed=1
  fi
done
exit $failed
