#!/usr/bin/env bash
# Benchmark: raw -> qcow2, unflushed (qemu-img convert's default against `cairn-img convert -t unsafe`), the
# two tools alternating with nothing between their runs but the deletion of the previous output. Usage:
# bench/qcow2-convert-pair.sh [SIZE_MIB] [ROUNDS] (default 2048 and 8; half of the source is random data,
# the other half a hole, as in bench/qcow2-convert.sh).
#
# Why a second convert benchmark: bench/qcow2-convert.sh checks every output (qemu-img compare and check,
# reading gigabytes) between runs, and on a virtual machine that hands freed memory back to its host that
# work decides how fast the next run's page cache comes (BENCHMARKS.md, "Write sizes"). Here each run
# starts right after the previous output was deleted, the state in which qemu-img's 2 MiB writes find
# their memory still backed: qemu-img's best case, and what a machine without free page reporting gives
# every run. The last output of each tool is checked after the rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-2048}
rounds=${2:-8}
[ -f qcow2-driver/target/cairn-img.jar ] || mvn -B -q -DskipTests install
work=$(mktemp -d -p "${BENCH_DIR:-/tmp}" cairn-convert-pair.XXXXXX)
trap 'rm -rf "$work"' EXIT
source bench/timing.sh

head -c $(( (size_mib / 2) << 20 )) /dev/urandom > "$work/src.raw"
truncate -s $(( size_mib << 20 )) "$work/src.raw"
cat "$work/src.raw" > /dev/null
for round in $(seq "$rounds"); do
    rm -f "$work/qemu.qcow2" "$work/cairn.qcow2"
    timed qemu qemu-img convert -f raw -O qcow2 "$work/src.raw" "$work/qemu.qcow2"
    rm -f "$work/qemu.qcow2"
    timed cairn cairn_img convert -t unsafe -f raw -O qcow2 "$work/src.raw" "$work/cairn.qcow2"
done
qemu-img convert -f raw -O qcow2 "$work/src.raw" "$work/qemu.qcow2"
for out in qemu cairn; do
    qemu-img compare -q -f raw -F qcow2 "$work/src.raw" "$work/$out.qcow2"
    qemu-img check -q "$work/$out.qcow2"
done
echo "size: ${size_mib} MiB (half data, half hole), raw -> qcow2 unflushed, back to back; $rounds rounds; $(machine)"
awk -v q="$(median qemu)" -v c="$(median cairn)" -v qf="$(minimum qemu)" -v cf="$(minimum cairn)" 'BEGIN {
    printf "| | qemu-img (s) | cairn-img -t unsafe (s) | throughput ratio |\n|---|---|---|---|\n"
    printf "| median | %.2f | %.2f | %.2fx |\n| fastest | %.2f | %.2f | %.2fx |\n", q, c, q / c, qf, cf, qf / cf }'
echo "all rounds (s): qemu $(paste -sd' ' "$work/qemu.times"); cairn $(paste -sd' ' "$work/cairn.times")"
