package dev.cairn.pool.chunk;

import java.util.List;

/**
 * The outcome of {@link ChunkStore#check()} or {@link ChunkStore#repair()}.
 *
 * @param leaks       repairable findings: counts higher than the trees need (leaked space),
 *                    wrong free counts, wrong per-device mapped counts
 * @param corruptions findings that are not repaired: unreadable or malformed nodes, counts lower
 *                    than the trees need (space that could be handed out twice)
 * @param repaired    findings fixed by this run (0 for {@code check})
 * @param problems    a description of each finding, at most {@value #MAX_PROBLEMS}
 */
public record CheckReport(long leaks, long corruptions, long repaired, List<String> problems) {

    public static final int MAX_PROBLEMS = 100;

    public CheckReport {
        problems = List.copyOf(problems);
    }

    /** True when nothing was found (before repair). */
    public boolean clean() {
        return leaks == 0 && corruptions == 0;
    }
}
