package dev.cairn.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded LRU cache of L2 tables keyed by host offset. Write-through: every modification is
 * written to the file immediately, so evicting a table never loses anything and the on-disk
 * order of L2 writes is the order of the calls (callers put barriers where order matters).
 * Not thread-safe.
 */
final class L2Cache {

    private final HostFile file;
    private final int clusterSize;
    private final Map<Long, long[]> tables;

    L2Cache(HostFile file, int clusterSize, long budgetBytes) {
        this.file = file;
        this.clusterSize = clusterSize;
        int capacity = (int) Math.max(2, Math.min(1 << 16, budgetBytes / clusterSize));
        this.tables = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, long[]> eldest) {
                return size() > capacity;
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
        file.writeLong(tableOffset + 8L * index, value);
    }

    /**
     * Sets entries {@code first..last} (inclusive) from {@code values} and writes that range
     * with one write.
     */
    void setEntries(long tableOffset, int first, int last, long[] values) throws IOException {
        long[] table = table(tableOffset);
        ByteBuffer raw = ByteBuffer.allocate((last - first + 1) * 8);
        for (int i = first; i <= last; i++) {
            table[i] = values[i];
            raw.putLong(values[i]);
        }
        file.write(tableOffset + 8L * first, raw.array());
    }

    /** Installs a whole table and writes it to the file. */
    void writeTable(long tableOffset, long[] entries) throws IOException {
        ByteBuffer raw = ByteBuffer.allocate(clusterSize);
        raw.asLongBuffer().put(entries);
        file.write(tableOffset, raw.array());
        tables.put(tableOffset, entries.clone());
    }

    /** Forgets a table (after its cluster was freed, or the caches must be re-read). */
    void invalidate(long tableOffset) {
        tables.remove(tableOffset);
    }

    void invalidateAll() {
        tables.clear();
    }
}
