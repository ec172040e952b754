#!/usr/bin/env bash
# Benchmark: `cairn-img convert` against `qemu-img convert`, raw -> qcow2 and qcow2 -> raw, on the same
# files in one run, JVM start included. Usage: bench/qcow2-convert.sh [SIZE_MIB] (default 2048; half of it
# is random data, the other half a hole, as a disk with free space is). Outputs are compared with
# `qemu-img compare` before any figure is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-2048}
[ -f qcow2-driver/target/cairn-img.jar ] || mvn -B -q -DskipTests install
work=$(mktemp -d -p "${BENCH_DIR:-/tmp}" cairn-convert.XXXXXX)
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
secs() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.2f", e - s }'; }

head -c $(( (size_mib / 2) << 20 )) /dev/urandom > "$work/src.raw"
truncate -s $(( size_mib << 20 )) "$work/src.raw"
cat "$work/src.raw" > /dev/null
img() { java -jar qcow2-driver/target/cairn-img.jar "$@"; }

t0=$(now); qemu-img convert -f raw -O qcow2 "$work/src.raw" "$work/qemu.qcow2"; t1=$(now)
t2=$(now); img convert -f raw -O qcow2 "$work/src.raw" "$work/cairn.qcow2" > /dev/null; t3=$(now)
t4=$(now); qemu-img convert -f qcow2 -O raw "$work/qemu.qcow2" "$work/qemu.raw"; t5=$(now)
t6=$(now); img convert -f qcow2 -O raw "$work/cairn.qcow2" "$work/cairn.raw" > /dev/null; t7=$(now)

qemu-img compare -q -f raw -F qcow2 "$work/src.raw" "$work/cairn.qcow2"
qemu-img check -q "$work/cairn.qcow2"
cmp -s "$work/src.raw" "$work/cairn.raw"
echo "size: ${size_mib} MiB (half data, half hole); $(nproc) cores; $(java -version 2>&1 | head -1); $(qemu-img --version | head -1)"
printf '| direction | qemu-img (s) | cairn-img (s) | cairn-img throughput / qemu-img |\n|---|---|---|---|\n'
awk -v q="$(secs "$t0" "$t1")" -v c="$(secs "$t2" "$t3")" 'BEGIN { printf "| raw -> qcow2 | %.2f | %.2f | %.2fx |\n", q, c, q / c }'
awk -v q="$(secs "$t4" "$t5")" -v c="$(secs "$t6" "$t7")" 'BEGIN { printf "| qcow2 -> raw | %.2f | %.2f | %.2fx |\n", q, c, q / c }'
echo "sizes on disk: qemu.qcow2 $(du -k "$work/qemu.qcow2" | cut -f1) KiB, cairn.qcow2 $(du -k "$work/cairn.qcow2" | cut -f1) KiB"
