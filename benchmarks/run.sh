#!/usr/bin/env bash
# Runs the Hourglass benchmarks and writes benchmarks/RESULTS.md and benchmarks/charts/*.png.
#
#   benchmarks/run.sh [quick|full] [benchmark regex...]
#
# quick: every benchmark, 1 fork, 1 x 1 s warm-up, 2 x 500 ms measurement (under 15 minutes on an idle 2-core machine).
# full:  every benchmark, 2 forks, 3 x 1 s warm-up, 5 x 2 s measurement (for figures we publish; about 75 minutes).
# BENCH_THREADS=n runs every benchmark method on n threads at once (default 1).
# BENCH_MEASURE=s makes a full run's measurement iterations s seconds long (default 2; still 2 forks, 3 warm-ups).
# BENCH_PARAMS="name=v1,v2 ..." sets benchmark parameters, e.g. "backend=redis,mariadb,postgresql" or "sessions=10000".
# BENCH_RESULT=file.json names the JMH JSON (default results/<profile>-<time>.json, quick runs under target/);
# BENCH_REPORT=0 skips the report (run-threads.sh writes one over several runs).
# Private Redis, MariaDB and PostgreSQL instances are started on loopback for the run and stopped
# after it. JMH prints its progress (run progress, ETA) as it goes; the whole output is also kept
# in benchmarks/target/run-<profile>.log (run-<profile>-<n>t.log with BENCH_THREADS). Set SKIP_BUILD=1 to reuse
# an existing benchmarks.jar.
set -euo pipefail

profile="${1:-quick}"
case "$profile" in
  quick|full) ;;
  *) echo "usage: $0 [quick|full] [benchmark regex...]" >&2; exit 2 ;;
esac
shift || true

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/target/benchmarks.jar"
if [[ "${SKIP_BUILD:-0}" != "1" || ! -f "$jar" ]]; then
  echo "# building $jar"
  mvn -B -q -f "$here/pom.xml" package -DskipTests
fi

stamp="$(date -u +%Y%m%d-%H%M%S)"
result="$here/results/$profile-$stamp.json"
if [[ "$profile" == quick ]]; then
  result="$here/target/$profile-$stamp.json"
fi
result="${BENCH_RESULT:-$result}"
log="$here/target/run-$profile${BENCH_THREADS:+-${BENCH_THREADS}t}.log"
mkdir -p "$here/results" "$here/target"

jvm=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
     --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
     --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED -Dchronicle.analytics.disable=true)

command="${BENCH_THREADS:+BENCH_THREADS=$BENCH_THREADS }${BENCH_MEASURE:+BENCH_MEASURE=$BENCH_MEASURE }"
command="$command${BENCH_PARAMS:+BENCH_PARAMS='$BENCH_PARAMS' }benchmarks/run.sh $profile${*:+ $*}"
echo "# $command -> $result (log: $log)"
set +e
java "${jvm[@]}" -Xmx256m -cp "$jar" dev.hourglass.benchmarks.Launcher "$profile" "$result" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [[ $status -ne 0 || ! -s "$result" ]]; then
  echo "# the benchmark run failed (exit $status); see $log" >&2
  exit 1
fi
if [[ "${BENCH_REPORT:-1}" == 0 ]]; then
  exit 0
fi
# Only warmed runs are published: a quick run's report goes to target/smoke, never to RESULTS.md.
report="$here"
if [[ "$profile" == quick ]]; then
  report="$here/target/smoke"
  mkdir -p "$report"
fi
java -Djava.awt.headless=true -cp "$jar" dev.hourglass.benchmarks.Report "$result" "$report" "$command"
if [[ "$profile" == quick ]]; then
  echo "# smoke report (not published): $report/RESULTS.md"
fi
