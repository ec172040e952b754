package dev.cairn.pool.chunk;

import java.time.Duration;
import java.util.Objects;

/**
 * How a chunk store is built and run.
 *
 * @param capacityBytes      size of the data area (build only; rounded down to whole chunks)
 * @param nodeBlockCount     4 KiB blocks for B-tree nodes (build only; 0 = one per 8 data chunks, at least 16384)
 * @param nodeCacheBytes     bound of the metadata cache (tree nodes and refcount pages), default 64 MiB
 * @param autoCommitInterval commit this often when something changed; {@link Duration#ZERO} = only
 *                           explicit commits (plus those every snapshot, delete, revert and close make)
 * @param syncOnCommit       force files at commit (true in production; false trades durability for speed)
 * @param nodeFanout         entries per tree node (build only; default and maximum 254, smaller in tests)
 * @param channelOpener      opens the store's files
 */
public record ChunkStoreOptions(long capacityBytes, long nodeBlockCount, long nodeCacheBytes,
                                Duration autoCommitInterval, boolean syncOnCommit, int nodeFanout,
                                ChannelOpener channelOpener) {

    public static final long DEFAULT_NODE_CACHE_BYTES = 64L << 20;
    public static final Duration DEFAULT_AUTO_COMMIT_INTERVAL = Duration.ofSeconds(1);

    public ChunkStoreOptions {
        if (capacityBytes < 0 || nodeBlockCount < 0 || nodeCacheBytes < 0) {
            throw new IllegalArgumentException("sizes must not be negative");
        }
        Objects.requireNonNull(autoCommitInterval, "autoCommitInterval");
        Objects.requireNonNull(channelOpener, "channelOpener");
        if (autoCommitInterval.isNegative()) {
            throw new IllegalArgumentException("negative auto-commit interval");
        }
    }

    /** Defaults for a store of {@code capacityBytes}; also fine for {@code open} (which ignores build-only fields). */
    public static ChunkStoreOptions withCapacity(long capacityBytes) {
        return new ChunkStoreOptions(capacityBytes, 0, DEFAULT_NODE_CACHE_BYTES, DEFAULT_AUTO_COMMIT_INTERVAL,
                true, TreeNode.MAX_FANOUT, ChannelOpener.FILES);
    }

    public ChunkStoreOptions withNodeBlockCount(long blocks) {
        return new ChunkStoreOptions(capacityBytes, blocks, nodeCacheBytes, autoCommitInterval, syncOnCommit,
                nodeFanout, channelOpener);
    }

    public ChunkStoreOptions withNodeCacheBytes(long bytes) {
        return new ChunkStoreOptions(capacityBytes, nodeBlockCount, bytes, autoCommitInterval, syncOnCommit,
                nodeFanout, channelOpener);
    }

    public ChunkStoreOptions withAutoCommitInterval(Duration interval) {
        return new ChunkStoreOptions(capacityBytes, nodeBlockCount, nodeCacheBytes, interval, syncOnCommit,
                nodeFanout, channelOpener);
    }

    public ChunkStoreOptions withSyncOnCommit(boolean sync) {
        return new ChunkStoreOptions(capacityBytes, nodeBlockCount, nodeCacheBytes, autoCommitInterval, sync,
                nodeFanout, channelOpener);
    }

    public ChunkStoreOptions withNodeFanout(int fanout) {
        return new ChunkStoreOptions(capacityBytes, nodeBlockCount, nodeCacheBytes, autoCommitInterval, syncOnCommit,
                fanout, channelOpener);
    }

    public ChunkStoreOptions withChannelOpener(ChannelOpener opener) {
        return new ChunkStoreOptions(capacityBytes, nodeBlockCount, nodeCacheBytes, autoCommitInterval, syncOnCommit,
                nodeFanout, opener);
    }
}
