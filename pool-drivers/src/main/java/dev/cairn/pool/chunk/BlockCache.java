package dev.cairn.pool.chunk;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bounded least-recently-used cache of decoded metadata blocks (tree nodes and refcount pages).
 *
 * <p>A dirty block is written back through {@link WriteBack} before it is evicted. Write-back before
 * commit is safe because dirty blocks only ever live at locations the committed state does not
 * reference (freshly allocated nodes, the spare slot of a refcount page). Callers that change a block
 * must hand it back with {@link #put} afterwards, so a block evicted meanwhile is cached again.
 * Not thread-safe: guarded by the store lock.
 */
final class BlockCache {

    /** Writes one dirty block to its place in the metadata file. */
    interface WriteBack {
        void write(long key, CachedBlock block) throws IOException;
    }

    static final int MIN_BLOCKS = 16;

    private final int maxBlocks;
    private final WriteBack writeBack;
    private final LinkedHashMap<Long, CachedBlock> blocks = new LinkedHashMap<>(256, 0.75f, true);

    BlockCache(long maxBytes, WriteBack writeBack) {
        this.maxBlocks = (int) Math.max(MIN_BLOCKS, Math.min(Integer.MAX_VALUE, maxBytes / StoreLayout.BLOCK_BYTES));
        this.writeBack = writeBack;
    }

    CachedBlock get(long key) {
        return blocks.get(key);
    }

    void put(long key, CachedBlock block) throws IOException {
        blocks.put(key, block);
        Iterator<Map.Entry<Long, CachedBlock>> eldest = blocks.entrySet().iterator();
        while (blocks.size() > maxBlocks && eldest.hasNext()) {
            Map.Entry<Long, CachedBlock> entry = eldest.next();
            if (entry.getKey() == key) {
                continue;
            }
            if (entry.getValue().isDirty()) {
                writeBack.write(entry.getKey(), entry.getValue());
                entry.getValue().markClean();
            }
            eldest.remove();
        }
    }

    void remove(long key) {
        blocks.remove(key);
    }

    /** Writes every dirty block; they stay cached, clean. */
    void flushDirty() throws IOException {
        List<Map.Entry<Long, CachedBlock>> dirty = new ArrayList<>();
        for (Map.Entry<Long, CachedBlock> entry : blocks.entrySet()) {
            if (entry.getValue().isDirty()) {
                dirty.add(entry);
            }
        }
        for (Map.Entry<Long, CachedBlock> entry : dirty) {
            writeBack.write(entry.getKey(), entry.getValue());
            entry.getValue().markClean();
        }
    }

    int size() {
        return blocks.size();
    }

    int maxBlocks() {
        return maxBlocks;
    }
}
