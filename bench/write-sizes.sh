#!/usr/bin/env bash
# Benchmark: what the size of each write call costs when a large file is written into the page cache,
# measured with dd so that no Cairn code is involved. Usage: bench/write-sizes.sh [SIZE_MIB] [ROUNDS]
# [SETTLE_S] (default 1024, 3 and 5). Each round copies SIZE_MIB of random data (read from the page
# cache) to a new file once per write size, after a `sync` and SETTLE_S seconds of rest, and deletes the
# copy. Linux gives a buffered write page-cache folios as large as the call allows (up to 2 MiB); on a
# virtual machine that hands free memory back to its host (free page reporting) the large ones come from
# that memory, which the host must supply again. Cairn's conversions write in 128 KiB calls for this
# reason (HostFile.writeInPieces); qemu-img convert writes in 2 MiB calls.
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
rounds=${2:-3}
settle=${3:-5}
work=$(mktemp -d -p "${BENCH_DIR:-/tmp}" cairn-writes.XXXXXX)
trap 'rm -rf "$work"' EXIT
source bench/timing.sh
SETTLE=$settle
head -c $(( size_mib << 20 )) /dev/urandom > "$work/src"
sizes="64K 128K 256K 1M 2M 16M"
for round in $(seq "$rounds"); do
    cat "$work/src" > /dev/null
    for bs in $sizes; do
        blocks=$(( (size_mib << 20) / $(numfmt --from=iec "$bs") ))
        timed "dd-$bs" dd if="$work/src" of="$work/out" bs="$bs" count="$blocks" status=none
        rm -f "$work/out"
    done
done
echo "write sizes: ${size_mib} MiB copied by dd, median (fastest) of $rounds rounds, ${settle} s rest before each;" \
    "$(machine)"
printf '| write call | seconds | MiB/s |\n|---|---|---|\n'
for bs in $sizes; do
    awk -v b="$bs" -v m="$(median "dd-$bs")" -v f="$(minimum "dd-$bs")" -v s="$size_mib" \
        'BEGIN { printf "| %s | %.2f (%.2f) | %.0f |\n", b, m, f, s / m }'
done
