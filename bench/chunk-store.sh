#!/usr/bin/env bash
# Benchmark: the chunk store (pool type `chunk`) against a plain file on the same disk, in one run:
# sequential 1 MiB and random 4 KiB I/O, snapshot create latency, first writes after a snapshot, diff and
# delete of snapshots 1% apart, peak heap. Usage: bench/chunk-store.sh [SIZE_MIB [CHUNK_KIB]]  (default 4096 MiB
# and 64 KiB chunks, what chunk pools get; 1024 for a quick run). Needs about 3 x SIZE_MIB free under ${BENCH_DIR:-/tmp}.
# The store runs with its production settings; the JVM with -Xmx256m, peak heap also read from its GC log.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-4096}
chunk_kib=${2:-64}
work=$(mktemp -d -p "${BENCH_DIR:-/tmp}" cairn-chunk-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mvn -B -q -pl pool-drivers -am test-compile
mvn -B -q -pl pool-drivers dependency:build-classpath -Dmdep.outputFile="$work/classpath" > /dev/null
cp="pool-drivers/target/test-classes:pool-drivers/target/classes:$(cat "$work/classpath")"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(java -version 2>&1 | head -1);" \
     "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx256m -Xlog:gc:file="$work/gc.log" -cp "$cp" dev.cairn.pool.chunk.ChunkStoreBenchmark "$work" "$size_mib" "$chunk_kib"
peak=$(grep -oE '[0-9]+M->[0-9]+M' "$work/gc.log" | cut -dM -f1 | sort -n | tail -1)
echo "peak heap before a GC (GC log): ${peak:-no GC ran} MiB of 256 MiB (-Xmx256m);" \
     "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
