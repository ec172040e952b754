package dev.cairn.qcow2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A bounded LRU cache of L2 tables keyed by host offset. Write-through for ordered images: every
 * modification is written to the file immediately, so evicting a table never loses anything and
 * the on-disk order of L2 writes is the order of the calls (callers put barriers where order
 * matters). Write-back for {@link WriteOrdering#DEFERRED_TO_CLOSE} images, which have no order to
 * keep: a modified table is written when evicted or by {@link #writeDirty()} (at flush), not on
 * every change, so a convert does not rewrite the same table pages once per request.
 * Not thread-safe.
 */
final class L2Cache {

    private final HostFile file;
    private final int clusterSize;
    private final Map<Long, long[]> tables;
    private final boolean writeBack;
    private final Set<Long> dirtyTables = new HashSet<>();

    L2Cache(HostFile file, int clusterSize, long budgetBytes) {
        this.file = file;
        this.clusterSize = clusterSize;
        this.writeBack = file.barriersDeferred();
        int capacity = (int) Math.max(2, Math.min(1 << 16, budgetBytes / clusterSize));
        this.tables = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, long[]> eldest) {
                if (size() <= capacity) {
                    return false;
                }
                if (dirtyTables.remove(eldest.getKey())) {
                    try {
                        writeWhole(eldest.getKey(), eldest.getValue());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return true;
            }
        };
    }

    /** The L2 table at {@code tableOffset} (shared array: callers must not modify it). */
    long[] table(long tableOffset) throws IOException {
        long[] table = tables.get(tableOffset);
        if (table == null) {
            byte[] raw = file.read(tableOffset, clusterSize);
            table = new long[clusterSize / 8];
            ByteBuffer.wrap(raw).asLongBuffer().get(table);
            tables.put(tableOffset, table);
        }
        return table;
    }

    long entry(long tableOffset, int index) throws IOException {
        return table(tableOffset)[index];
    }

    /** Sets one entry and writes its 8 bytes to the file. */
    void setEntry(long tableOffset, int index, long value) throws IOException {
        table(tableOffset)[index] = value;
        if (writeBack) {
            dirtyTables.add(tableOffset);
        } else {
            file.writeLong(tableOffset + 8L * index, value);
        }
    }

    /**
     * Sets entries {@code first..last} (inclusive) from {@code values} and writes that range
     * with one write.
     */
    void setEntries(long tableOffset, int first, int last, long[] values) throws IOException {
        long[] table = table(tableOffset);
        System.arraycopy(values, first, table, first, last - first + 1);
        if (writeBack) {
            dirtyTables.add(tableOffset);
            return;
        }
        ByteBuffer raw = ByteBuffer.allocate((last - first + 1) * 8);
        raw.asLongBuffer().put(values, first, last - first + 1);
        file.write(tableOffset + 8L * first, raw.array());
    }

    /** Installs a whole table and writes it to the file (write-back: when evicted or flushed). */
    void writeTable(long tableOffset, long[] entries) throws IOException {
        long[] copy = entries.clone();
        if (writeBack) {
            dirtyTables.add(tableOffset);
            file.reserve(tableOffset + clusterSize);
        } else {
            writeWhole(tableOffset, copy);
        }
        tables.put(tableOffset, copy);
    }

    /** Writes every table modified since it was last written (write-back mode only has any). */
    void writeDirty() throws IOException {
        for (Long tableOffset : List.copyOf(dirtyTables)) {
            writeWhole(tableOffset, tables.get(tableOffset));
        }
        dirtyTables.clear();
    }

    private void writeWhole(long tableOffset, long[] entries) throws IOException {
        ByteBuffer raw = ByteBuffer.allocate(clusterSize);
        raw.asLongBuffer().put(entries);
        file.write(tableOffset, raw.array());
    }

    /** Forgets a table (after its cluster was freed, or the caches must be re-read). */
    void invalidate(long tableOffset) {
        tables.remove(tableOffset);
        dirtyTables.remove(tableOffset);
    }

    /** Forgets every table; modified ones are written first, so that nothing is lost. */
    void invalidateAll() throws IOException {
        writeDirty();
        tables.clear();
    }
}
