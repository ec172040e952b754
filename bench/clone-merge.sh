#!/usr/bin/env bash
# Benchmark: clone and merge time against volume size, through Cairn's REST API, beside `cp` of the same
# qcow2 file in the same run. Usage: bench/clone-merge.sh [SIZES_MIB...]  (default 256 1024 4096)
# For each size: a chunk-pool volume and a dir-pool qcow2 volume are filled with random data and
# snapshotted; then the snapshot is cloned (chunk: shared, answered at once; qcow2: a copy job, timed until
# it succeeds), the qcow2 file is copied with cp (page cache dropped where allowed, fsync after, as the clone
# forces its copy), and a snapshot taken after overwriting 1/8 of the volume is merged.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-256 1024 4096}")
[ $# -gt 0 ] || sizes=(256 1024 4096)
work=$(mktemp -d -p "${BENCH_DIR:-/tmp}" cairn-bench.XXXXXX)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
jar=${CAIRN_JAR:-web/target/cairn.jar}
[ -f "$jar" ] || mvn -B -q -DskipTests package

now() { date +%s.%N; }
ms() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.0f", (e - s) * 1000 }'; }
port=$(( 20000 + RANDOM % 20000 ))
java -Xmx256m -jar "$jar" --cairn.data-dir="$work/data" --server.port="$port" > "$work/service.log" 2>&1 &
pid=$!
api="http://127.0.0.1:$port/api/v1"
until curl -sf "$api/pools" > /dev/null; do sleep 0.2; done
post() { curl -sf -XPOST "$api/$1" -H 'Content-Type: application/json' -d "${2:-{\}}"; }
post pools "{\"name\":\"chunk\",\"type\":\"chunk\",\"path\":\"$work/chunk\"}" > /dev/null
wait_job() {
  local job=$1 state
  while :; do
    state=$(curl -sf "$api/jobs/$job" | sed -E 's/.*"state":"([a-z]+)".*/\1/')
    case $state in succeeded) return 0 ;; failed) curl -s "$api/jobs/$job" >&2; return 1 ;; esac
    sleep 0.05
  done
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(java -version 2>&1 | head -1); $(df -h "$work" | awk 'NR==2 {print $1}')"
printf '| size | chunk clone (ms) | qcow2 clone (ms) | cp + sync of the qcow2 file (ms) | qcow2 clone / cp speed | chunk merge (ms) | qcow2 merge (ms) |\n|---|---|---|---|---|---|---|\n'
for mib in "${sizes[@]}"; do
  bytes=$((mib << 20))
  head -c "$bytes" /dev/urandom > "$work/data.img"
  for p in chunk default; do
    fmt=$([ $p = chunk ] && echo raw || echo qcow2)
    post "pools/$p/volumes" "{\"name\":\"v$mib\",\"capacity\":$bytes,\"format\":\"$fmt\"}" > /dev/null
    curl -sf -T "$work/data.img" -H 'Content-Type: application/octet-stream' "$api/pools/$p/volumes/v$mib/content" > /dev/null
    post "pools/$p/volumes/v$mib/snapshots" "{\"name\":\"g$p$mib\"}" > /dev/null
  done
  t0=$(now); post "pools/chunk/volumes/v$mib/snapshots/gchunk$mib/clone" "{\"name\":\"c$mib\"}" > /dev/null; t1=$(now)
  sync
  t2=$(now)
  job=$(post "pools/default/volumes/v$mib/snapshots/gdefault$mib/clone" "{\"name\":\"q$mib\"}" | sed -E 's/.*"id":"([^"]+)".*/\1/')
  wait_job "$job"; t3=$(now)
  file="$work/data/pools/default/v$mib"
  t4=$(now); cp "$file" "$work/cp.qcow2"; sync "$work/cp.qcow2"; t5=$(now)
  rm -f "$work/cp.qcow2"
  cmp -s <(curl -sf "$api/pools/default/volumes/q$mib/content") "$work/data.img" || { echo "qcow2 clone differs" >&2; exit 1; }
  # Merge: overwrite 1/8 after the snapshot, snapshot again, merge the first snapshot (head takes its content).
  head -c $((bytes / 8)) /dev/urandom > "$work/eighth.img"
  for p in chunk default; do
    curl -sf -T "$work/eighth.img" -H 'Content-Type: application/octet-stream' "$api/pools/$p/volumes/v$mib/content" > /dev/null
    post "pools/$p/volumes/v$mib/snapshots" "{\"name\":\"m$p$mib\"}" > /dev/null
  done
  t6=$(now); post "pools/chunk/volumes/v$mib/snapshots/gchunk$mib/merge" > /dev/null; t7=$(now)
  t8=$(now); post "pools/default/volumes/v$mib/snapshots/gdefault$mib/merge" > /dev/null; t9=$(now)
  q=$(ms "$t2" "$t3"); c=$(ms "$t4" "$t5")
  awk -v mib="$mib" -v a="$(ms "$t0" "$t1")" -v q="$q" -v c="$c" -v m1="$(ms "$t6" "$t7")" -v m2="$(ms "$t8" "$t9")" \
    'BEGIN { printf "| %d MiB | %d | %d | %d | %.2fx | %d | %d |\n", mib, a, q, c, c / q, m1, m2 }'
  for p in chunk default; do
    curl -sf -XDELETE "$api/pools/$p/volumes/v$mib?snapshots=delete"
  done
  curl -sf -XDELETE "$api/pools/chunk/volumes/c$mib"; curl -sf -XDELETE "$api/pools/default/volumes/q$mib"
done
