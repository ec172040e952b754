package dev.cairn.web.snapshot;

import dev.cairn.api.CairnException;

/**
 * Which snapshots a listing shows and which page of them.
 *
 * @param roots only snapshots without a parent
 * @param leaves only snapshots without children
 * @param descendantsOf only snapshots below this one; absent: no such filter
 * @param offset how many matching snapshots to skip
 * @param limit at most this many, from 1 to {@link #MAX_LIMIT}
 */
record SnapshotFilter(boolean roots, boolean leaves, String descendantsOf, long offset, long limit) {
    static final int MAX_LIMIT = 10_000;

    SnapshotFilter {
        if (offset < 0) {
            throw CairnException.invalidArgument("offset must be 0 or more, got " + offset);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw CairnException.invalidArgument("limit must be from 1 to " + MAX_LIMIT + ", got " + limit);
        }
    }
}
