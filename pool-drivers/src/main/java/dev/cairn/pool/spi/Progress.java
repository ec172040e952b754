package dev.cairn.pool.spi;

/**
 * Where long storage work (copies, merges) reports how far it has got. Called from the working thread;
 * implementations return quickly and never throw.
 */
@FunctionalInterface
public interface Progress {

    /** Reports that {@code doneBytes} of {@code totalBytes} are done; both only grow during one piece of work. */
    void advance(long doneBytes, long totalBytes);

    /** Progress nobody watches. */
    Progress NONE = (done, total) -> { };
}
