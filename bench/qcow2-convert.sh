#!/usr/bin/env bash
# Benchmark: `cairn-img convert` against `qemu-img convert`, raw -> qcow2 and qcow2 -> raw, on the same
# files in one run, JVM start included. Usage: bench/qcow2-convert.sh [SIZE_MIB] [ROUNDS] (default 2048
# and 3; half of the size is random data, the other half a hole, as a disk with free space is).
#
# Every timed conversion starts after a `sync`, so that none pays for the previous one's dirty pages, and
# reads its source from the page cache. Two pairs in the same mode: qemu-img convert's default output cache
# mode (unsafe: never flushed) against `cairn-img convert -t unsafe`, and `qemu-img convert -t writeback`
# (one flush at the end) against cairn-img's default (forced once before it exits). The table gives the
# median of the rounds.
# Cairn's outputs are checked with `qemu-img compare`, `qemu-img check` and `cmp` before any figure.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-2048}
rounds=${2:-3}
[ -f qcow2-driver/target/cairn-img.jar ] || mvn -B -q -DskipTests install
work=$(mktemp -d -p "${BENCH_DIR:-/tmp}" cairn-convert.XXXXXX)
trap 'rm -rf "$work"' EXIT
source bench/timing.sh
img() { cairn_img "$@"; }

head -c $(( (size_mib / 2) << 20 )) /dev/urandom > "$work/src.raw"
truncate -s $(( size_mib << 20 )) "$work/src.raw"
cat "$work/src.raw" > /dev/null
qemu-img convert -f raw -O qcow2 "$work/src.raw" "$work/qemu.qcow2"
# Each output but the ones checked below is deleted as soon as it is timed, so that no later run pays for
# reclaiming its page cache, and even rounds run cairn-img first: the order inside a round does not favour
# either tool.
to_qcow2() {
    timed q2-qemu qemu-img convert -f raw -O qcow2 "$work/src.raw" "$work/out.tmp"; rm -f "$work/out.tmp"
    timed q2-qemu-wb qemu-img convert -t writeback -f raw -O qcow2 "$work/src.raw" "$work/out.tmp"
    rm -f "$work/out.tmp"
}
to_qcow2_cairn() {
    timed q2-cairn-unsafe img convert -t unsafe -f raw -O qcow2 "$work/src.raw" "$work/out.cairn-unsafe.qcow2"
    timed q2-cairn img convert -f raw -O qcow2 "$work/src.raw" "$work/out.cairn.qcow2"
}
to_raw() {
    timed raw-qemu qemu-img convert -f qcow2 -O raw "$work/qemu.qcow2" "$work/out.tmp"; rm -f "$work/out.tmp"
    timed raw-qemu-wb qemu-img convert -t writeback -f qcow2 -O raw "$work/qemu.qcow2" "$work/out.tmp"
    rm -f "$work/out.tmp"
}
to_raw_cairn() {
    timed raw-cairn-unsafe img convert -t unsafe -f qcow2 -O raw "$work/out.cairn.qcow2" "$work/out.cairn-unsafe.raw"
    timed raw-cairn img convert -f qcow2 -O raw "$work/out.cairn.qcow2" "$work/out.cairn.raw"
}
for round in $(seq "$rounds"); do
    rm -f "$work"/out.*
    if [ $(( round % 2 )) -eq 1 ]; then to_qcow2; to_qcow2_cairn; else to_qcow2_cairn; to_qcow2; fi
    cat "$work/qemu.qcow2" "$work/out.cairn.qcow2" > /dev/null
    if [ $(( round % 2 )) -eq 1 ]; then to_raw; to_raw_cairn; else to_raw_cairn; to_raw; fi
done

qemu-img compare -q -f raw -F qcow2 "$work/src.raw" "$work/out.cairn.qcow2"
qemu-img check -q "$work/out.cairn.qcow2"
cmp -s "$work/src.raw" "$work/out.cairn.raw"
qemu-img compare -q -f raw -F qcow2 "$work/src.raw" "$work/out.cairn-unsafe.qcow2"
cmp -s "$work/src.raw" "$work/out.cairn-unsafe.raw"
echo "size: ${size_mib} MiB (half data, half hole); median of $rounds rounds; $(machine)"
printf '| direction | qemu-img (s) | cairn-img -t unsafe (s) | throughput ratio | qemu-img -t writeback (s) | cairn-img (s) | throughput ratio |\n|---|---|---|---|---|---|---|\n'
row() {
    awk -v n="$1" -v q="$(median "$2-qemu")" -v cu="$(median "$2-cairn-unsafe")" -v w="$(median "$2-qemu-wb")" \
        -v c="$(median "$2-cairn")" \
        'BEGIN { printf "| %s | %.2f | %.2f | %.2fx | %.2f | %.2f | %.2fx |\n", n, q, cu, q / cu, w, c, w / c }'
}
row "raw -> qcow2" q2
row "qcow2 -> raw" raw
echo "all rounds (s): $(for f in q2-qemu q2-cairn-unsafe q2-qemu-wb q2-cairn raw-qemu raw-cairn-unsafe raw-qemu-wb raw-cairn; do printf '%s %s; ' "$f" "$(paste -sd' ' "$work/$f.times")"; done)"
echo "sizes on disk: qemu.qcow2 $(du -k "$work/qemu.qcow2" | cut -f1) KiB, cairn.qcow2 $(du -k "$work/out.cairn.qcow2" | cut -f1) KiB"
