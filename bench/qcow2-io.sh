#!/usr/bin/env bash
# Benchmark: guest I/O through the Cairn qcow2 engine against qemu-io on the same images, in one run.
# Usage: bench/qcow2-io.sh [READS] [SIZE_MIB...] (default 200000 reads; sizes 512 2048).
#
# For each size: two copies of one fresh `qemu-img create -f qcow2` image; qemu-io writes the first and
# `cairn-img bench io --write` the second, both sequentially in 1 MiB requests of 0xab over the whole disk and
# flushing at the end (qemu-io in its default cache mode: page cache, metadata flushes when qcow2 ordering
# needs them; the engine as the service opens images: ordered writes). Then READS random 4 KiB-aligned
# 4 KiB reads at the same seeded offsets on the image qemu-io wrote, page cache warm (the file was just
# read whole with cat), by qemu-io and by `cairn-img bench io`. qemu-io takes its commands on stdin.
# Times: the whole process for both (JVM start included), and the engine's own time (open to close) as
# cairn-img prints it. Each timed step starts after a sync. Both written images must compare equal.
set -euo pipefail
cd "$(dirname "$0")/.."
reads=${1:-200000}
shift || true
sizes=("${@:-512 2048}")
[ -f qcow2-driver/target/cairn-img.jar ] || mvn -B -q -DskipTests install
work=$(mktemp -d -p "${BENCH_DIR:-/tmp}" cairn-io.XXXXXX)
trap 'rm -rf "$work"' EXIT
source bench/timing.sh

echo "qemu-io against the engine; $reads random reads; $(machine)"
printf '| size | measure | qemu-io | cairn-img (process) | cairn engine only | cairn-img process / qemu-io | engine only / qemu-io |\n'
printf '|---|---|---|---|---|---|---|\n'
for size_mib in ${sizes[*]}; do
    qemu-img create -q -f qcow2 "$work/qemu.qcow2" "${size_mib}M"
    cp "$work/qemu.qcow2" "$work/cairn.qcow2"
    seq 0 1048576 $(( (size_mib - 1) << 20 )) > "$work/seq.offsets"
    { sed 's/.*/write -q -P 0xab & 1M/' "$work/seq.offsets"; echo flush; } > "$work/seq.qemu-io"
    awk -v n="$reads" -v blocks=$(( size_mib * 256 )) 'BEGIN { srand(42); for (i = 0; i < n; i++) print int(rand() * blocks) * 4096 }' \
        > "$work/rand.offsets"
    sed 's/.*/read -q & 4k/' "$work/rand.offsets" > "$work/rand.qemu-io"
    rm -f "$work"/*.times "$work"/*.engine

    timed write-qemu sh -c "qemu-io -f qcow2 '$work/qemu.qcow2' < '$work/seq.qemu-io'"
    timed write-cairn cairn_img bench io --write -s 1M --offsets "$work/seq.offsets" "$work/cairn.qcow2"
    qemu-img compare -q "$work/qemu.qcow2" "$work/cairn.qcow2"
    qemu-img check -q "$work/cairn.qcow2"
    cat "$work/qemu.qcow2" > /dev/null
    timed read-qemu sh -c "qemu-io -f qcow2 -r '$work/qemu.qcow2' < '$work/rand.qemu-io'"
    timed read-cairn cairn_img bench io -s 4k --offsets "$work/rand.offsets" "$work/qemu.qcow2"

    awk -v s="$size_mib" -v q="$(median write-qemu)" -v c="$(median write-cairn)" -v e="$(median write-cairn engine)" \
        'BEGIN { printf "| %d MiB | sequential 1 MiB writes (MiB/s) | %.0f | %.0f | %.0f | %.2fx | %.2fx |\n", s, s / q, s / c, s / e, q / c, q / e }'
    awk -v s="$size_mib" -v n="$reads" -v q="$(median read-qemu)" -v c="$(median read-cairn)" -v e="$(median read-cairn engine)" \
        'BEGIN { printf "| %d MiB | random 4 KiB reads (IOPS) | %.0f | %.0f | %.0f | %.2fx | %.2fx |\n", s, n / q, n / c, n / e, q / c, q / e }'
done
