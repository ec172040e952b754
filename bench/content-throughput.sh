#!/usr/bin/env bash
# Benchmark: upload and download of a volume through Cairn's REST API against a plain `dd bs=1M` copy on
# the same disk, in one run. Usage: bench/content-throughput.sh [SIZE_MIB]  (default 2048)
# The service runs with -Xmx256m; its peak heap is read from its GC log.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-2048}
work=$(mktemp -d -p "${BENCH_DIR:-/tmp}" cairn-bench.XXXXXX)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
[ -f web/target/cairn.jar ] || mvn -B -q -DskipTests package

now() { date +%s.%N; }
rate() { awk -v mib="$size_mib" -v s="$1" -v e="$2" 'BEGIN { printf "%.0f", mib / (e - s) }'; }

src=$work/source.img
head -c $((size_mib << 20)) /dev/urandom > "$src"   # random: nothing sparse, nothing compressible
cat "$src" > /dev/null                              # both sides read the source from the page cache

port=$(( 20000 + RANDOM % 20000 ))
java -Xmx256m -Xlog:gc:file="$work/gc.log" -jar web/target/cairn.jar --cairn.data-dir="$work/data" \
     --server.port="$port" > "$work/service.log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port/api/v1/pools/default/volumes"
until curl -sf "$base" > /dev/null; do sleep 0.2; done
curl -sf -XPOST "$base" -H 'Content-Type: application/json' \
     -d "{\"name\":\"bench\",\"capacity\":$((size_mib << 20))}" > /dev/null

# Upload vs dd with conv=fsync: Cairn makes an upload durable before it answers, so the copy must too.
t0=$(now); dd if="$src" of="$work/dd-copy.img" bs=1M conv=fsync status=none; t1=$(now)
t2=$(now); curl -sf -T "$src" -H 'Content-Type: application/octet-stream' "$base/bench/content" > /dev/null; t3=$(now)
# Download vs dd reading the volume's file: both read through the page cache into a new file.
t4=$(now); dd if="$work/data/pools/default/bench" of="$work/dd-read.img" bs=1M status=none; t5=$(now)
t6=$(now); curl -sf -o "$work/download.img" "$base/bench/content"; t7=$(now)

cmp -s "$src" "$work/download.img" || { echo "download differs from the upload" >&2; exit 1; }
peak=$(grep -oE '[0-9]+M->[0-9]+M' "$work/gc.log" | cut -dM -f1 | sort -n | tail -1)

dd_up=$(rate "$t0" "$t1"); up=$(rate "$t2" "$t3"); dd_down=$(rate "$t4" "$t5"); down=$(rate "$t6" "$t7")
echo "size: ${size_mib} MiB; machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(java -version 2>&1 | head -1)"
printf '| direction | Cairn REST (MiB/s) | dd bs=1M (MiB/s) | ratio |\n|---|---|---|---|\n'
awk -v a="$up" -v b="$dd_up" 'BEGIN { printf "| upload (durable) | %d | %d | %.2fx |\n", a, b, a / b }'
awk -v a="$down" -v b="$dd_down" 'BEGIN { printf "| download | %d | %d | %.2fx |\n", a, b, a / b }'
echo "peak heap before a GC: ${peak:-?} MiB of 256 MiB (-Xmx256m)"
