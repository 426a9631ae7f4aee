#!/usr/bin/env bash
# Runs the benchmarks matching the given regexes at 1, 16 and 64 threads, one full-profile run per
# thread count (2 forks, 3 x 1 s warm-up, 5 measurement iterations of BENCH_MEASURE s, default 2),
# then writes benchmarks/RESULTS.md and the charts from the three JMH JSON files, merged after any
# earlier ones named with --merge (so that the page keeps their sections; a result of the same
# benchmark, parameters and threads in a later file replaces the earlier one).
#
#   benchmarks/run-threads.sh [--merge earlier.json]... regex...
#
# THREADS="1 16 64" sets the thread counts. BENCH_PARAMS defaults to "backend=redis,mariadb,postgresql"
# (the thread rows are Redis's and JDBC's; set it to "" for every backend). REPORT_DIR=dir writes
# RESULTS.md and charts/ there instead of benchmarks/. Each run's JSON goes to
# benchmarks/results/threads-<n>t-<time>.json and its log to benchmarks/target/run-full-<n>t.log.
# Set SKIP_BUILD=1 to reuse an existing benchmarks.jar.
set -euo pipefail

usage() {
  echo "usage: $0 [--merge earlier.json]... regex..." >&2
  exit 2
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
merge=()
while [[ $# -gt 0 && "$1" == --merge ]]; do
  [[ $# -ge 2 && -s "$2" ]] || { echo "# --merge needs a JMH JSON file, was '${2:-}'" >&2; usage; }
  merge+=("$(cd "$(dirname "$2")" && pwd)/$(basename "$2")")
  shift 2
done
[[ $# -gt 0 ]] || usage

threads="${THREADS:-1 16 64}"
export BENCH_PARAMS="${BENCH_PARAMS-backend=redis,mariadb,postgresql}"
jar="$here/target/benchmarks.jar"
if [[ "${SKIP_BUILD:-0}" != "1" || ! -f "$jar" ]]; then
  echo "# building $jar"
  mvn -B -q -f "$here/pom.xml" package -DskipTests
fi

stamp="$(date -u +%Y%m%d-%H%M%S)"
files=("${merge[@]}")
for t in $threads; do
  result="$here/results/threads-${t}t-$stamp.json"
  SKIP_BUILD=1 BENCH_THREADS="$t" BENCH_RESULT="$result" BENCH_REPORT=0 "$here/run.sh" full "$@"
  files+=("$result")
done

command="THREADS='$threads'${BENCH_MEASURE:+ BENCH_MEASURE=$BENCH_MEASURE} BENCH_PARAMS='$BENCH_PARAMS'"
command="$command benchmarks/run-threads.sh"
for f in "${merge[@]}"; do
  command="$command --merge ${f#"$(dirname "$here")/"}"
done
command="$command$(printf " '%s'" "$@")"
report="${REPORT_DIR:-$here}"
mkdir -p "$report"
java -Djava.awt.headless=true -cp "$jar" dev.hourglass.benchmarks.Report "$(IFS=,; echo "${files[*]}")" "$report" "$command"
