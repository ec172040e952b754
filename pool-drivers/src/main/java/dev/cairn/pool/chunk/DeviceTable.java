package dev.cairn.pool.chunk;

import java.io.IOException;
import java.util.Optional;

/**
 * The device table: a {@link TreeKind#DEVICES} tree holding each device's fields under the key
 * {@code id << 2 | field} (field 0 mapping root, 1 capacity in bytes, 2 mapped chunks), so one
 * device's fields sit side by side in one leaf. The table is never shared; a device's mapping root
 * holds one reference on that tree. Not thread-safe: guarded by the store lock.
 */
final class DeviceTable {

    static final long MAX_DEVICE_ID = (1L << 61) - 1;

    private static final int ROOT = 0;
    private static final int CAPACITY = 1;
    private static final int MAPPED = 2;

    /** Receives every device in id order. */
    interface DeviceVisitor {
        void visit(Device device) throws IOException;
    }

    private final ShadowTree tree;
    private long root;

    DeviceTable(ShadowTree tree, long root) {
        this.tree = tree;
        this.root = root;
    }

    long root() {
        return root;
    }

    Optional<Device> find(long id) throws IOException {
        if (id < 1 || id > MAX_DEVICE_ID) {
            return Optional.empty();
        }
        long capacity = tree.lookup(root, key(id, CAPACITY));
        if (capacity == ShadowTree.ABSENT) {
            return Optional.empty();
        }
        return Optional.of(new Device(id, tree.lookup(root, key(id, ROOT)), capacity,
                tree.lookup(root, key(id, MAPPED))));
    }

    /** Writes the fields of {@code device} that differ from what the table holds. */
    void put(Device device) throws IOException {
        set(key(device.id(), ROOT), device.mappingRoot());
        set(key(device.id(), CAPACITY), device.capacityBytes());
        set(key(device.id(), MAPPED), device.mappedChunks());
    }

    void remove(long id) throws IOException {
        for (int field = ROOT; field <= MAPPED; field++) {
            set(key(id, field), ShadowTree.ABSENT);
        }
    }

    void forEach(DeviceVisitor visitor) throws IOException {
        long[] fields = new long[3];
        tree.scan(root, 0, Long.MAX_VALUE, (key, value) -> {
            int field = (int) (key & 3);
            fields[field] = value;
            if (field == MAPPED) {
                visitor.visit(new Device(key >>> 2, fields[ROOT], fields[CAPACITY], fields[MAPPED]));
            }
            return true;
        });
    }

    /**
     * Upper bound of new node blocks a {@link #put} of an existing device or a {@link #remove} takes:
     * its keys exist, so nothing splits; at most the path to its leaf is shadowed.
     */
    int newBlocksToChange() throws IOException {
        return tree.height(root);
    }

    /**
     * Upper bound of new node blocks a {@link #put} of a new device takes: the first insert shadows
     * the path and may split every level and add a root (2h + 1); the two following inserts find
     * that path writable in place and may split every level of a tree one taller (h + 2 each).
     */
    int newBlocksToAdd() throws IOException {
        int height = tree.height(root);
        return 2 * height + 1 + 2 * (height + 2);
    }

    private void set(long key, long value) throws IOException {
        if (tree.lookup(root, key) != value) {
            root = tree.update(root, TreeKind.DEVICES, key, old -> value);
        }
    }

    private static long key(long id, int field) {
        return id << 2 | field;
    }
}
