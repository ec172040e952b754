#!/usr/bin/env bash
# Benchmark: many concurrent clients on loopback on a chunk pool and qcow2 volumes of a dir pool (writes,
# snapshot create/revert/delete, reads), one run per client count; prints throughput and p50/p99/max
# latency per operation as a Markdown table, and fails if any answer was unexpected or anything was lost.
# Usage: bench/load.sh [seconds per run, default 60] [client counts, default 4 16 32]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f web/target/cairn.jar ] || mvn -B -q -DskipTests install
mvn -B -q -pl src-test test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(java -version 2>&1 | head -1); load $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "src-test/target/test-classes:$(cat src-test/target/bench.classpath)" -Dcairn.jar="${CAIRN_JAR:-$PWD/web/target/cairn.jar}" \
     dev.cairn.bench.LoadBenchmark "$@"
