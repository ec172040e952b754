package dev.cairn.pool.chunk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One B-tree node: sorted 64-bit keys with 64-bit values, one metadata block on disk.
 *
 * <p>On-disk layout (little-endian, {@value StoreLayout#BLOCK_BYTES} bytes):
 * <pre>
 * 0   u32 magic "CNOD"
 * 4   u32 CRC32C of bytes 8..4096
 * 8   u8  tree kind (1 mapping, 2 devices)
 * 9   u8  level (0 = leaf)
 * 10  u16 entry count
 * 12  u32 reserved, zero
 * 16  u64 the node's own block address (catches misdirected writes)
 * 24  u64 keys[count], then u64 values[count]
 * </pre>
 * In an internal node, {@code keys[i]} is a lower bound of every key under child {@code values[i]}.
 * Not thread-safe: guarded by the store lock.
 */
final class TreeNode implements CachedBlock {

    static final int MAGIC = 0x444F4E43;
    static final int HEADER_BYTES = 24;
    static final int MAX_FANOUT = (StoreLayout.BLOCK_BYTES - HEADER_BYTES) / 16;

    final long address;
    final TreeKind kind;
    final int level;
    private int count;
    private final long[] keys;
    private final long[] values;
    private boolean dirty;

    TreeNode(long address, TreeKind kind, int level, int fanout) {
        this.address = address;
        this.kind = kind;
        this.level = level;
        // One spare slot: an insert may overflow a node just before it is split.
        this.keys = new long[fanout + 1];
        this.values = new long[fanout + 1];
    }

    boolean isLeaf() {
        return level == 0;
    }

    int count() {
        return count;
    }

    long key(int i) {
        return keys[i];
    }

    long value(int i) {
        return values[i];
    }

    void setKey(int i, long key) {
        keys[i] = key;
    }

    void setValue(int i, long value) {
        values[i] = value;
    }

    boolean overflowing() {
        return count > keys.length - 1;
    }

    /** Index of {@code key}, or {@code -(insertionPoint + 1)} when absent. */
    int search(long key) {
        return Arrays.binarySearch(keys, 0, count, key);
    }

    /** Index of the child whose range holds {@code key}: the last entry with key at most {@code key}, else 0. */
    int childIndex(long key) {
        int found = search(key);
        if (found >= 0) {
            return found;
        }
        return Math.max(0, -found - 2);
    }

    void insert(int i, long key, long value) {
        System.arraycopy(keys, i, keys, i + 1, count - i);
        System.arraycopy(values, i, values, i + 1, count - i);
        keys[i] = key;
        values[i] = value;
        count++;
    }

    void remove(int i) {
        System.arraycopy(keys, i + 1, keys, i, count - i - 1);
        System.arraycopy(values, i + 1, values, i, count - i - 1);
        count--;
    }

    /** Copies every entry of {@code source} into this (empty) node. */
    void copyFrom(TreeNode source) {
        count = source.count;
        System.arraycopy(source.keys, 0, keys, 0, count);
        System.arraycopy(source.values, 0, values, 0, count);
    }

    /** Moves the upper half of the entries to the empty node {@code right}. */
    void splitInto(TreeNode right) {
        int keep = count / 2;
        int moved = count - keep;
        System.arraycopy(keys, keep, right.keys, 0, moved);
        System.arraycopy(values, keep, right.values, 0, moved);
        right.count = moved;
        count = keep;
    }

    @Override
    public boolean isDirty() {
        return dirty;
    }

    void markDirty() {
        dirty = true;
    }

    @Override
    public void markClean() {
        dirty = false;
    }

    ByteBuffer encode() {
        ByteBuffer block = ByteBuffer.allocate(StoreLayout.BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        block.putInt(0, MAGIC);
        block.put(8, (byte) kind.code);
        block.put(9, (byte) level);
        block.putShort(10, (short) count);
        block.putLong(16, address);
        for (int i = 0; i < count; i++) {
            block.putLong(HEADER_BYTES + i * 8, keys[i]);
            block.putLong(HEADER_BYTES + (count + i) * 8, values[i]);
        }
        block.putInt(4, checksum(block));
        return block;
    }

    static TreeNode decode(long address, ByteBuffer block, int fanout) {
        block.order(ByteOrder.LITTLE_ENDIAN);
        if (block.getInt(0) != MAGIC) {
            throw ChunkStoreException.corrupt("node " + address + ": bad magic");
        }
        if (block.getInt(4) != checksum(block)) {
            throw ChunkStoreException.corrupt("node " + address + ": checksum mismatch");
        }
        if (block.getLong(16) != address) {
            throw ChunkStoreException.corrupt("node " + address + ": records address " + block.getLong(16));
        }
        int count = Short.toUnsignedInt(block.getShort(10));
        if (count > fanout) {
            throw ChunkStoreException.corrupt("node " + address + ": " + count + " entries");
        }
        TreeNode node = new TreeNode(address, TreeKind.ofCode(block.get(8)), Byte.toUnsignedInt(block.get(9)), fanout);
        node.count = count;
        for (int i = 0; i < count; i++) {
            node.keys[i] = block.getLong(HEADER_BYTES + i * 8);
            node.values[i] = block.getLong(HEADER_BYTES + (count + i) * 8);
            if (i > 0 && node.keys[i] <= node.keys[i - 1]) {
                throw ChunkStoreException.corrupt("node " + address + ": keys out of order");
            }
        }
        return node;
    }

    private static int checksum(ByteBuffer block) {
        return BlockCrc.of(block, 8, StoreLayout.BLOCK_BYTES);
    }
}
