#!/usr/bin/env bash
# Benchmark: `cairn-img convert` against `qemu-img convert`, raw -> qcow2 and qcow2 -> raw, on the same
# files in one run, JVM start included. Usage: bench/qcow2-convert.sh [SIZE_MIB] [ROUNDS] (default 2048
# and 3; half of the size is random data, the other half a hole, as a disk with free space is), then the
# fixed cost (a 1 MiB file) and a 64 GiB raw file holding 64 MiB of data. SETTLE=S (seconds) rests
# before every timed run (bench/timing.sh); without it each run starts right after the previous
# output was deleted, and may reuse the memory that output's page cache held.
#
# Every timed conversion starts after a `sync`, so that none pays for the previous one's dirty pages, and
# reads its source from the page cache. Two pairs in the same mode: qemu-img convert's default output cache
# mode (unsafe: never flushed) against `cairn-img convert -t unsafe`, and `qemu-img convert -t writeback`
# (one flush at the end) against cairn-img's default (forced every 64 MiB as it writes, and once more
# before it exits). The tables give the median of the rounds, then the fastest round of each.
# Every output is checked (`qemu-img compare` and `qemu-img check`, or `cmp`) right after its run, untimed.
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
# Every output, of either tool, is checked untimed and deleted as soon as it is timed, so each run starts
# from the same state: no run pays for reclaiming an earlier output's page cache. Both tools convert the same
# sources (src.raw, and qemu.qcow2 made by qemu-img). Even rounds run cairn-img first.
checked() {  # checked NAME KIND COMMAND...: timed, then the output (out.tmp) checked against the source, then deleted
    local name=$1 kind=$2
    shift 2
    timed "$name" "$@"
    if [ "$kind" = qcow2 ]; then
        qemu-img compare -q -f raw -F qcow2 "$work/src.raw" "$work/out.tmp"
        qemu-img check -q "$work/out.tmp"
    elif [ "$kind" = qcow2-sparse ]; then
        qemu-img compare -q -f raw -F qcow2 "$work/sparse.raw" "$work/out.tmp"
        qemu-img check -q "$work/out.tmp"
    else
        cmp -s "$work/src.raw" "$work/out.tmp"
    fi
    rm -f "$work/out.tmp"
}
to_qcow2() {
    checked q2-qemu qcow2 qemu-img convert -f raw -O qcow2 "$work/src.raw" "$work/out.tmp"
    checked q2-qemu-wb qcow2 qemu-img convert -t writeback -f raw -O qcow2 "$work/src.raw" "$work/out.tmp"
}
to_qcow2_cairn() {
    checked q2-cairn-unsafe qcow2 img convert -t unsafe -f raw -O qcow2 "$work/src.raw" "$work/out.tmp"
    checked q2-cairn qcow2 img convert -f raw -O qcow2 "$work/src.raw" "$work/out.tmp"
}
to_raw() {
    checked raw-qemu raw qemu-img convert -f qcow2 -O raw "$work/qemu.qcow2" "$work/out.tmp"
    checked raw-qemu-wb raw qemu-img convert -t writeback -f qcow2 -O raw "$work/qemu.qcow2" "$work/out.tmp"
}
to_raw_cairn() {
    checked raw-cairn-unsafe raw img convert -t unsafe -f qcow2 -O raw "$work/qemu.qcow2" "$work/out.tmp"
    checked raw-cairn raw img convert -f qcow2 -O raw "$work/qemu.qcow2" "$work/out.tmp"
}
for round in $(seq "$rounds"); do
    cat "$work/src.raw" "$work/qemu.qcow2" > /dev/null
    if [ $(( round % 2 )) -eq 1 ]; then to_qcow2; to_qcow2_cairn; else to_qcow2_cairn; to_qcow2; fi
    if [ $(( round % 2 )) -eq 1 ]; then to_raw; to_raw_cairn; else to_raw_cairn; to_raw; fi
done
head -c 1048576 "$work/src.raw" > "$work/tiny.raw"
# A mostly empty disk: 64 GiB virtual, 64 MiB of data in 64 pieces of 1 MiB spread over it. What it costs
# grows with the data, not the virtual size, when the holes are found from the file system (SEEK_DATA).
truncate -s 64G "$work/sparse.raw"
for piece in $(seq 0 63); do
    dd if="$work/src.raw" of="$work/sparse.raw" bs=1M count=1 skip="$piece" seek=$(( piece * 1024 + 512 )) \
        conv=notrunc status=none
done
for round in $(seq "$rounds"); do
    timed tiny-qemu qemu-img convert -f raw -O qcow2 "$work/tiny.raw" "$work/tiny.tmp"; rm -f "$work/tiny.tmp"
    timed tiny-cairn img convert -t unsafe -f raw -O qcow2 "$work/tiny.raw" "$work/tiny.tmp"; rm -f "$work/tiny.tmp"
    checked sparse-qemu qcow2-sparse qemu-img convert -f raw -O qcow2 "$work/sparse.raw" "$work/out.tmp"
    checked sparse-cairn qcow2-sparse img convert -t unsafe -f raw -O qcow2 "$work/sparse.raw" "$work/out.tmp"
done
img convert -f raw -O qcow2 "$work/src.raw" "$work/cairn.qcow2"
echo "size: ${size_mib} MiB (half data, half hole); median of $rounds rounds; rest before each run: ${SETTLE:-0} s;" \
    "$(machine)"
# table STAT: both directions, each tool's time by STAT (median or minimum) over the rounds, and the ratios.
table() {
    printf '| direction | qemu-img (s) | cairn-img -t unsafe (s) | throughput ratio | qemu-img -t writeback (s) | cairn-img (s) | throughput ratio |\n|---|---|---|---|---|---|---|\n'
    local direction
    for direction in "raw -> qcow2:q2" "qcow2 -> raw:raw"; do
        local prefix=${direction##*:}
        awk -v n="${direction%:*}" -v q="$("$1" "$prefix-qemu")" -v cu="$("$1" "$prefix-cairn-unsafe")" \
            -v w="$("$1" "$prefix-qemu-wb")" -v c="$("$1" "$prefix-cairn")" \
            'BEGIN { printf "| %s | %.2f | %.2f | %.2fx | %.2f | %.2f | %.2fx |\n", n, q, cu, q / cu, w, c, w / c }'
    done
}
table median
echo "fastest of the rounds:"
table minimum
echo "fixed cost, 1 MiB raw -> qcow2 (median s): qemu-img $(median tiny-qemu), cairn-img $(median tiny-cairn)"
echo "64 GiB sparse raw (64 MiB of data) -> qcow2, unflushed (median s): qemu-img $(median sparse-qemu)," \
    "cairn-img $(median sparse-cairn)"
echo "all rounds (s): $(for f in q2-qemu q2-cairn-unsafe q2-qemu-wb q2-cairn raw-qemu raw-cairn-unsafe raw-qemu-wb raw-cairn; do printf '%s %s; ' "$f" "$(paste -sd' ' "$work/$f.times")"; done)"
echo "sizes on disk: qemu.qcow2 $(du -k "$work/qemu.qcow2" | cut -f1) KiB, cairn.qcow2 $(du -k "$work/cairn.qcow2" | cut -f1) KiB"
