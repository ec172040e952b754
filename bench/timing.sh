# Sourced by the qcow2 benchmarks: timing of one command after a sync, medians, and the jar.
# Needs $work (a scratch directory) set by the caller.

# timed NAME COMMAND...: runs COMMAND after a `sync` (so that no run pays for an earlier one's dirty
# pages) and, when SETTLE is set, SETTLE seconds of rest (so that a virtual machine with free page
# reporting has handed the memory freed by earlier runs back to its host, as a machine that was not
# just converting has: BENCHMARKS.md, "Write sizes"), and appends its wall time in seconds to
# $work/NAME.times; the command's stdout goes to $work/NAME.out (cairn-img bench prints
# engine_seconds=S there).
timed() {
    local name=$1
    shift
    sync
    sleep "${SETTLE:-0}"
    local start end
    start=$(date +%s.%N)
    "$@" > "$work/$name.out"
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }' >> "$work/$name.times"
    sed -n 's/^engine_seconds=//p' "$work/$name.out" >> "$work/$name.engine"
}

# median NAME [engine]: the median of the wall times (or of the engine times) recorded for NAME.
median() {
    local file="$work/$1.${2:-times}"
    sort -n "$file" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# minimum NAME: the fastest run recorded for NAME (the one least disturbed by other work on the machine).
minimum() {
    sort -n "$work/$1.times" | head -1
}

cairn_img() { java -jar qcow2-driver/target/cairn-img.jar "$@"; }

machine() {
    echo "$(nproc) cores; $(free -g | awk '/Mem:/ { print $2 }') GiB; load $(cut -d' ' -f1-3 /proc/loadavg);" \
        "$(java -version 2>&1 | head -1); $(qemu-img --version | head -1)"
}
