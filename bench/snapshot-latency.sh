#!/usr/bin/env bash
# Benchmark: snapshot create/revert/delete latency through REST with 0, 100 and 1,000 snapshots, listing a
# 1,000-snapshot tree, and qemu-img snapshot -c beside it. Usage: bench/snapshot-latency.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f web/target/cairn.jar ] || mvn -B -q -DskipTests install
mvn -B -q -pl src-test test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(java -version 2>&1 | head -1); $(qemu-img --version | head -1)"
java -cp "src-test/target/test-classes:$(cat src-test/target/bench.classpath)" -Dcairn.jar="${CAIRN_JAR:-$PWD/web/target/cairn.jar}" \
     dev.cairn.bench.SnapshotLatencyBenchmark
