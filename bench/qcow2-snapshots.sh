#!/usr/bin/env bash
# Benchmark: internal snapshot create and delete, and check, through `cairn-img` against `qemu-img` on
# byte-identical copies of the same images, in one run. Usage:
#   bench/qcow2-snapshots.sh [ALLOCATED_MIB...] [-- SNAPSHOT_COUNT...]   (default 512 2048 -- 100 1000)
#
# Allocated images: `qemu-img create` of the size, filled by qemu-io with 1 MiB writes of 0x5a; two copies;
# on each, `qemu-img snapshot -c` / `cairn-img bench snapshot -c`, then the matching delete.
# Many-snapshot images: one 256 MiB image, its first 64 MiB written, then N times (one 64 KiB cluster
# written at a new place, snapshot) by the engine (`cairn-img bench fill-snapshots`, not timed); copies
# of it are then measured: one more snapshot, the delete of snapshot N/2 (by name), and check.
# Every image is checked clean by qemu-img afterwards. Times: the whole process for both (JVM start
# included) and the engine's own time (open to close, cairn-img prints it). Each step starts after a sync;
# the images are in the page cache (just written or copied). Each operation runs ROUNDS times (default 3;
# a create and the delete of what it made, or on the many-snapshot images one more snapshot, the delete of
# another middle one, and a check); the table gives medians.
set -euo pipefail
cd "$(dirname "$0")/.."
allocated=()
counts=()
target=allocated
for arg in "$@"; do
    if [ "$arg" = "--" ]; then target=counts; continue; fi
    if [ "$target" = allocated ]; then allocated+=("$arg"); else counts+=("$arg"); fi
done
[ ${#allocated[@]} -gt 0 ] || allocated=(512 2048)
[ ${#counts[@]} -gt 0 ] || counts=(100 1000)
[ -f qcow2-driver/target/cairn-img.jar ] || mvn -B -q -DskipTests install
work=$(mktemp -d -p "${BENCH_DIR:-/tmp}" cairn-snapshots.XXXXXX)
trap 'rm -rf "$work"' EXIT
source bench/timing.sh
rounds=${ROUNDS:-3}

row() { # row LABEL NAME
    awk -v l="$1" -v q="$(median "$2-qemu")" -v c="$(median "$2-cairn")" -v e="$(median "$2-cairn" engine)" \
        'BEGIN { printf "| %s | %.0f | %.0f | %.0f | %.2fx | %.2fx |\n", l, q * 1000, c * 1000, e * 1000, q / c, q / e }'
}
both_clean() { qemu-img check -q "$work/q.qcow2"; qemu-img check -q "$work/c.qcow2"; }

echo "snapshot operations, cairn-img against qemu-img; $(machine)"
printf '| image | operation | qemu-img (ms) | cairn-img process (ms) | engine only (ms) | qemu-img time / cairn-img process | / engine only |\n'
printf '|---|---|---|---|---|---|---|\n'
for size_mib in "${allocated[@]}"; do
    rm -f "$work"/*.times "$work"/*.engine
    qemu-img create -q -f qcow2 "$work/q.qcow2" "${size_mib}M"
    seq 0 1048576 $(( (size_mib - 1) << 20 )) | sed 's/.*/write -q -P 0x5a & 1M/' | qemu-io -f qcow2 "$work/q.qcow2" > /dev/null
    cp "$work/q.qcow2" "$work/c.qcow2"
    for round in $(seq "$rounds"); do
        timed create-qemu qemu-img snapshot -c "s$round" "$work/q.qcow2"
        timed create-cairn cairn_img bench snapshot -c "s$round" "$work/c.qcow2"
        timed delete-qemu qemu-img snapshot -d "s$round" "$work/q.qcow2"
        timed delete-cairn cairn_img bench snapshot -d "s$round" "$work/c.qcow2"
    done
    both_clean
    row "$size_mib MiB allocated, no snapshot | create" create
    row "$size_mib MiB allocated, 1 snapshot | delete it" delete
done
for count in "${counts[@]}"; do
    rm -f "$work"/*.times "$work"/*.engine
    qemu-img create -q -f qcow2 "$work/base.qcow2" 256M
    seq 0 1048576 $(( 63 << 20 )) | sed 's/.*/write -q -P 0x5a & 1M/' | qemu-io -f qcow2 "$work/base.qcow2" > /dev/null
    cairn_img bench fill-snapshots "$count" "$work/base.qcow2" > /dev/null
    cp "$work/base.qcow2" "$work/q.qcow2"
    cp "$work/base.qcow2" "$work/c.qcow2"
    for round in $(seq "$rounds"); do
        timed create-qemu qemu-img snapshot -c "extra$round" "$work/q.qcow2"
        timed create-cairn cairn_img bench snapshot -c "extra$round" "$work/c.qcow2"
        timed delete-qemu qemu-img snapshot -d "s$(( count / 2 + round ))" "$work/q.qcow2"
        timed delete-cairn cairn_img bench snapshot -d "s$(( count / 2 + round ))" "$work/c.qcow2"
        timed check-qemu qemu-img check -q "$work/q.qcow2"
        timed check-cairn cairn_img bench check "$work/c.qcow2"
    done
    both_clean
    row "$count snapshots (64 MiB + $count clusters written) | create one more" create
    row "$count snapshots | delete one in the middle" delete
    row "$count snapshots | check" check
done
