package dev.cairn.pool.chunk;

/**
 * Where everything lives in the metadata file, derived from the sizes recorded in the superblock.
 *
 * <p>The metadata file is an array of {@value #BLOCK_BYTES}-byte blocks:
 * <pre>
 * block 0, 1                    superblock slots (generation g lives in slot g % 2)
 * 2 .. 2+K                      refcount index, copy 0    (K = indexBlockCount)
 * 2+K .. 2+2K                   refcount index, copy 1    (generation g uses copy g % 2)
 * 2+2K .. 2+2K+2P               refcount pages, two slots per page (P = pageCount)
 * nodeStart .. +nodeBlockCount  B-tree nodes (mapping trees and the device table)
 * </pre>
 * Refcount pages {@code [0, dataPageCount)} count data chunks, the following
 * {@code nodePageCount} pages count node blocks (indexed from {@code nodeStart}).
 *
 * @param chunkSizeBytes size of one data chunk, a power of two from 4 KiB to 1 MiB
 * @param dataChunkCount number of chunks in the data file
 * @param nodeBlockCount number of blocks in the node region of the metadata file
 * @param nodeFanout     maximum entries per B-tree node (254 in production; smaller in tests)
 */
record StoreLayout(int chunkSizeBytes, long dataChunkCount, long nodeBlockCount, int nodeFanout) {

    static final int BLOCK_BYTES = 4096;
    static final int MIN_CHUNK_BYTES = 4096;
    static final int MAX_CHUNK_BYTES = 1 << 20;

    StoreLayout {
        if (chunkSizeBytes < MIN_CHUNK_BYTES || chunkSizeBytes > MAX_CHUNK_BYTES
                || Integer.bitCount(chunkSizeBytes) != 1) {
            throw new IllegalArgumentException("chunk size must be a power of two from 4 KiB to 1 MiB: "
                    + chunkSizeBytes);
        }
        if (dataChunkCount < 1 || nodeBlockCount < 16) {
            throw new IllegalArgumentException("store too small: " + dataChunkCount + " chunks, "
                    + nodeBlockCount + " node blocks");
        }
        if (nodeFanout < 4 || nodeFanout > TreeNode.MAX_FANOUT) {
            throw new IllegalArgumentException("node fanout out of range: " + nodeFanout);
        }
    }

    long dataPageCount() {
        return pagesFor(dataChunkCount);
    }

    long nodePageCount() {
        return pagesFor(nodeBlockCount);
    }

    long pageCount() {
        return dataPageCount() + nodePageCount();
    }

    int indexBlockCount() {
        return Math.toIntExact((pageCount() * Integer.BYTES + BLOCK_BYTES - 1) / BLOCK_BYTES);
    }

    long indexStartBlock(int copy) {
        return 2 + (long) copy * indexBlockCount();
    }

    long pageSlotBlock(long page, int slot) {
        return 2 + 2L * indexBlockCount() + 2 * page + slot;
    }

    long nodeStart() {
        return 2 + 2L * indexBlockCount() + 2 * pageCount();
    }

    long metadataFileBlocks() {
        return nodeStart() + nodeBlockCount;
    }

    long capacityBytes() {
        return dataChunkCount * chunkSizeBytes;
    }

    private static long pagesFor(long entries) {
        return (entries + RefcountPage.ENTRIES - 1) / RefcountPage.ENTRIES;
    }
}
