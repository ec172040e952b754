#!/usr/bin/env bash
# Benchmark: delta export and apply through Cairn's REST API against plain-file reads and writes of the same
# size, and against qemu-img convert of the same snapshot, in one run. Usage: bench/delta.sh [SIZE_MIB]
# (default 4096). For each engine (chunk pool, dir pool with qcow2): a volume filled with random data is
# snapshotted ("base"), 1% of it is overwritten in 1 MiB pieces at random places, and snapshotted again
# ("after"). Timed: the full export of "after", the export of base -> after, and the apply of the full
# export into an empty volume of the same engine (which stages and verifies the stream, then writes it).
set -euo pipefail
cd "$(dirname "$0")/.."
mib=${1:-4096}
bytes=$((mib << 20))
work=$(mktemp -d -p "${BENCH_DIR:-/tmp}" cairn-bench.XXXXXX)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
jar=${CAIRN_JAR:-web/target/cairn.jar}
[ -f "$jar" ] || mvn -B -q -DskipTests package

now() { date +%s.%N; }
secs() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.2f", e - s }'; }
port=$(( 20000 + RANDOM % 20000 ))
java -Xmx256m -jar "$jar" --cairn.data-dir="$work/data" --server.port="$port" > "$work/service.log" 2>&1 &
pid=$!
api="http://127.0.0.1:$port/api/v1"
until curl -sf "$api/pools" > /dev/null; do sleep 0.2; done
post() { curl -sf -XPOST "$api/$1" -H 'Content-Type: application/json' -d "$2"; }
post pools "{\"name\":\"chunk\",\"type\":\"chunk\",\"path\":\"$work/chunk\"}" > /dev/null
post pools "{\"name\":\"chunk2\",\"type\":\"chunk\",\"path\":\"$work/chunk2\"}" > /dev/null
post pools "{\"name\":\"dir2\",\"type\":\"dir\",\"path\":\"$work/dir2\"}" > /dev/null

head -c "$bytes" /dev/urandom > "$work/data.img"
head -c $((1 << 20)) /dev/urandom > "$work/piece.img"
# The plain-file side: read the data file cold-ish (it was just written, so from the page cache, as the
# volumes are), and write the same bytes with fsync, as apply makes its result durable.
t0=$(now); cat "$work/data.img" > /dev/null; t1=$(now)
t2=$(now); dd if="$work/data.img" of="$work/copy.img" bs=1M conv=fsync status=none; t3=$(now)
rm -f "$work/copy.img"
read_s=$(secs "$t0" "$t1"); write_s=$(secs "$t2" "$t3")

echo "size: $mib MiB; machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(java -version 2>&1 | head -1); $(qemu-img --version | head -1)"
echo "plain file: read $read_s s, write+fsync $write_s s"
printf '| engine | full export (s) | export speed / file read | 1%% delta export (s) | 1%% / full export time | 1%% delta size / volume | full apply (s) | apply speed / file write | qemu-img convert of the snapshot (s) | full export size / qemu-img output |\n|---|---|---|---|---|---|---|---|---|---|\n'
for pool in chunk default; do
  fmt=$([ $pool = chunk ] && echo raw || echo qcow2)
  to=$([ $pool = chunk ] && echo chunk2 || echo dir2)
  post "pools/$pool/volumes" "{\"name\":\"d\",\"capacity\":$bytes,\"format\":\"$fmt\"}" > /dev/null
  curl -sf -T "$work/data.img" -H 'Content-Type: application/octet-stream' "$api/pools/$pool/volumes/d/content" > /dev/null
  post "pools/$pool/volumes/d/snapshots" '{"name":"base-'$pool'"}' > /dev/null
  for i in $(seq 1 $((mib / 100 > 0 ? mib / 100 : 1))); do
    off=$(( (RANDOM * 32768 + RANDOM) % mib ))
    curl -sf -T "$work/piece.img" -H 'Content-Type: application/octet-stream' \
      "$api/pools/$pool/volumes/d/content?offset=$((off << 20))" > /dev/null
  done
  post "pools/$pool/volumes/d/snapshots" '{"name":"after-'$pool'"}' > /dev/null
  t0=$(now); curl -sf -o "$work/full.delta" "$api/pools/$pool/volumes/d/snapshots/after-$pool/delta"; t1=$(now)
  t2=$(now); curl -sf -o "$work/inc.delta" "$api/pools/$pool/volumes/d/snapshots/after-$pool/delta?from=base-$pool"; t3=$(now)
  post "pools/$to/volumes" "{\"name\":\"d\",\"capacity\":$bytes,\"format\":\"qcow2\"}" > /dev/null
  t4=$(now); curl -sf -XPOST -H "Content-Type: application/vnd.cairn.delta" -T "$work/full.delta" \
    "$api/pools/$to/volumes/d/delta" > /dev/null; t5=$(now)
  qemu_s=-; ratio=-
  if [ $pool = default ]; then
    t6=$(now); qemu-img convert -O qcow2 -l snapshot.name=after-$pool "$work/data/pools/default/d" "$work/qemu.qcow2"; t7=$(now)
    qemu_s=$(secs "$t6" "$t7")
    ratio=$(awk -v a="$(stat -c %s "$work/full.delta")" -v b="$(stat -c %s "$work/qemu.qcow2")" 'BEGIN { printf "%.2f", a / b }')
    rm -f "$work/qemu.qcow2"
  fi
  full=$(secs "$t0" "$t1"); inc=$(secs "$t2" "$t3"); apply=$(secs "$t4" "$t5")
  awk -v e="$pool" -v f="$full" -v r="$read_s" -v i="$inc" -v isz="$(stat -c %s "$work/inc.delta")" -v b="$bytes" \
      -v a="$apply" -v w="$write_s" -v q="$qemu_s" -v ra="$ratio" \
    'BEGIN { printf "| %s | %.2f | %.2fx | %.2f | %.1f%% | %.2f%% | %.2f | %.2fx | %s | %s |\n", e, f, r / f, i, 100 * i / f, 100 * isz / b, a, w / a, q, ra }'
  rm -f "$work/full.delta" "$work/inc.delta"
  curl -sf -XDELETE "$api/pools/$pool/volumes/d?snapshots=delete"; curl -sf -XDELETE "$api/pools/$to/volumes/d?snapshots=delete"
done
