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
 * @param mappedSegmentBytes reads go through mappings of the data file in segments of this size (a power of
 *                           two from 1 MiB to 1 GiB; default 256 MiB, smaller in tests)
 */
public record ChunkStoreOptions(long capacityBytes, long nodeBlockCount, long nodeCacheBytes,
                                Duration autoCommitInterval, boolean syncOnCommit, int nodeFanout,
                                ChannelOpener channelOpener, long mappedSegmentBytes) {

    public static final long DEFAULT_NODE_CACHE_BYTES = 64L << 20;
    public static final Duration DEFAULT_AUTO_COMMIT_INTERVAL = Duration.ofSeconds(1);
    public static final long DEFAULT_MAPPED_SEGMENT_BYTES = 256L << 20;

    public ChunkStoreOptions {
        if (capacityBytes < 0 || nodeBlockCount < 0 || nodeCacheBytes < 0) {
            throw new IllegalArgumentException("sizes must not be negative");
        }
        Objects.requireNonNull(autoCommitInterval, "autoCommitInterval");
        Objects.requireNonNull(channelOpener, "channelOpener");
        if (autoCommitInterval.isNegative()) {
            throw new IllegalArgumentException("negative auto-commit interval");
        }
        if (mappedSegmentBytes < (1 << 20) || mappedSegmentBytes > (1 << 30) || Long.bitCount(mappedSegmentBytes) != 1) {
            throw new IllegalArgumentException("mapped segments must be a power of two from 1 MiB to 1 GiB");
        }
    }

    /** Defaults for a store of {@code capacityBytes}; also fine for {@code open} (which ignores build-only fields). */
    public static ChunkStoreOptions withCapacity(long capacityBytes) {
        return new ChunkStoreOptions(capacityBytes, 0, DEFAULT_NODE_CACHE_BYTES, DEFAULT_AUTO_COMMIT_INTERVAL,
                true, TreeNode.MAX_FANOUT, ChannelOpener.FILES, DEFAULT_MAPPED_SEGMENT_BYTES);
    }

    public ChunkStoreOptions withNodeBlockCount(long blocks) {
        return new ChunkStoreOptions(capacityBytes, blocks, nodeCacheBytes, autoCommitInterval, syncOnCommit,
                nodeFanout, channelOpener, mappedSegmentBytes);
    }

    public ChunkStoreOptions withNodeCacheBytes(long bytes) {
        return new ChunkStoreOptions(capacityBytes, nodeBlockCount, bytes, autoCommitInterval, syncOnCommit,
                nodeFanout, channelOpener, mappedSegmentBytes);
    }

    public ChunkStoreOptions withAutoCommitInterval(Duration interval) {
        return new ChunkStoreOptions(capacityBytes, nodeBlockCount, nodeCacheBytes, interval, syncOnCommit,
                nodeFanout, channelOpener, mappedSegmentBytes);
    }

    public ChunkStoreOptions withSyncOnCommit(boolean sync) {
        return new ChunkStoreOptions(capacityBytes, nodeBlockCount, nodeCacheBytes, autoCommitInterval, sync,
                nodeFanout, channelOpener, mappedSegmentBytes);
    }

    public ChunkStoreOptions withNodeFanout(int fanout) {
        return new ChunkStoreOptions(capacityBytes, nodeBlockCount, nodeCacheBytes, autoCommitInterval, syncOnCommit,
                fanout, channelOpener, mappedSegmentBytes);
    }

    public ChunkStoreOptions withChannelOpener(ChannelOpener opener) {
        return new ChunkStoreOptions(capacityBytes, nodeBlockCount, nodeCacheBytes, autoCommitInterval, syncOnCommit,
                nodeFanout, opener, mappedSegmentBytes);
    }

    public ChunkStoreOptions withMappedSegmentBytes(long bytes) {
        return new ChunkStoreOptions(capacityBytes, nodeBlockCount, nodeCacheBytes, autoCommitInterval, syncOnCommit,
                nodeFanout, channelOpener, bytes);
    }
}
