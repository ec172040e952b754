package dev.cairn.pool.chunk;

import java.io.IOException;

/**
 * Byte-level reads and writes of one device, turned into mapping-tree updates and data chunk I/O.
 * Every step stores the device's new record before the next one, so a commit triggered by
 * {@link SpaceGuard} in the middle of a long write always sees a consistent device table.
 * Not thread-safe: guarded by the store lock.
 */
final class DeviceIo {

    /** Room for the next step; both methods may commit. */
    interface SpaceGuard {
        /** Reserves space for the next step or throws {@code STORE_FULL}. */
        void ensureSpace(long dataChunks, long nodeBlocks, boolean keepDeleteReserve) throws IOException;

        /** Makes sure the intent log can take {@code len} more bytes. */
        void ensureLogRoom(int len) throws IOException;
    }

    private static final int UNMAP_BATCH = 1024;

    private final ShadowTree tree;
    private final SpaceMap dataChunks;
    private final ChunkData data;
    private final ChunkLog log;
    private final DeviceTable devices;
    private final SpaceGuard space;
    private final int chunkSizeBytes;
    private final byte[] zeros;

    DeviceIo(ShadowTree tree, SpaceMap dataChunks, ChunkData data, ChunkLog log, DeviceTable devices,
             SpaceGuard space) {
        this.tree = tree;
        this.dataChunks = dataChunks;
        this.data = data;
        this.log = log;
        this.devices = devices;
        this.space = space;
        this.chunkSizeBytes = data.chunkSizeBytes();
        this.zeros = new byte[chunkSizeBytes];
    }

    void read(Device device, long offset, byte[] buf, int off, int len) throws IOException {
        for (int done = 0; done < len; ) {
            long position = offset + done;
            int inChunk = (int) (position % chunkSizeBytes);
            int n = Math.min(len - done, chunkSizeBytes - inChunk);
            long chunk = tree.lookup(device.mappingRoot(), position / chunkSizeBytes);
            if (chunk == ShadowTree.ABSENT) {
                java.util.Arrays.fill(buf, off + done, off + done + n, (byte) 0);
            } else {
                readChunk(chunk, inChunk, buf, off + done, n);
            }
            done += n;
        }
    }

    Device write(Device device, long offset, byte[] buf, int off, int len) throws IOException {
        Device current = device;
        for (int done = 0; done < len; ) {
            long position = offset + done;
            int inChunk = (int) (position % chunkSizeBytes);
            int n = Math.min(len - done, chunkSizeBytes - inChunk);
            current = writeSegment(current, position / chunkSizeBytes, inChunk, buf, off + done, n);
            done += n;
        }
        return current;
    }

    /**
     * Unmaps the whole chunks of the range and writes zeros over its partial chunks. A range that
     * runs to the end of the device also unmaps a last chunk the capacity cuts short: its bytes past
     * the capacity are zero already (see {@link #truncate}).
     */
    Device discard(Device device, long offset, long len) throws IOException {
        long end = offset + len;
        long firstWhole = (offset + chunkSizeBytes - 1) / chunkSizeBytes;
        long endWhole = end == device.capacityBytes() ? (end + chunkSizeBytes - 1) / chunkSizeBytes
                : end / chunkSizeBytes;
        if (firstWhole >= endWhole) {
            return zero(device, offset, end);
        }
        Device current = zero(device, offset, firstWhole * chunkSizeBytes);
        current = unmapRange(current, firstWhole, endWhole);
        return zero(current, Math.min(end, endWhole * chunkSizeBytes), end);
    }

    /** Drops everything at or beyond {@code newCapacityBytes}, zeroing the rest of a partial last chunk. */
    Device truncate(Device device, long newCapacityBytes) throws IOException {
        if (newCapacityBytes >= device.capacityBytes()) {
            return device;
        }
        long keptChunks = (newCapacityBytes + chunkSizeBytes - 1) / chunkSizeBytes;
        Device current = unmapRange(device, keptChunks, Long.MAX_VALUE);
        // Zero the tail of the last kept chunk, so growing again later reads zeros there.
        return zero(current, newCapacityBytes, Math.min(device.capacityBytes(), keptChunks * chunkSizeBytes));
    }

    private Device zero(Device device, long from, long to) throws IOException {
        Device current = device;
        for (long position = from; position < to; ) {
            int inChunk = (int) (position % chunkSizeBytes);
            int n = (int) Math.min(to - position, chunkSizeBytes - inChunk);
            current = writeSegment(current, position / chunkSizeBytes, inChunk, zeros, 0, n);
            position += n;
        }
        return current;
    }

    private Device unmapRange(Device device, long fromChunk, long toChunk) throws IOException {
        Device current = device;
        long next = fromChunk;
        while (true) {
            long[] found = new long[UNMAP_BATCH];
            int[] count = {0};
            tree.scan(current.mappingRoot(), next, toChunk, (key, value) -> {
                found[count[0]++] = key;
                return count[0] < UNMAP_BATCH;
            });
            for (int i = 0; i < count[0]; i++) {
                current = unmap(current, found[i]);
            }
            if (count[0] < UNMAP_BATCH) {
                return current;
            }
            next = found[UNMAP_BATCH - 1] + 1;
        }
    }

    private Device writeSegment(Device device, long chunk, int inChunk, byte[] buf, int off, int len)
            throws IOException {
        boolean allZero = isZero(buf, off, len);
        long mapped = tree.lookup(device.mappingRoot(), chunk);
        if (mapped == ShadowTree.ABSENT && allZero) {
            return device;
        }
        if (mapped != ShadowTree.ABSENT && allZero && len == chunkSizeBytes) {
            return unmap(device, chunk);
        }
        if (mapped != ShadowTree.ABSENT && len < chunkSizeBytes) {
            // A partial overwrite may go to the intent log (overwriteChunk).
            space.ensureLogRoom(len);
        }
        space.ensureSpace(1, mappingNeeds(device), true);
        long root = tree.update(device.mappingRoot(), TreeKind.MAPPING, chunk, old -> old == ShadowTree.ABSENT
                ? writeNewChunk(inChunk, buf, off, len)
                : overwriteChunk(old, inChunk, buf, off, len));
        long mappedChunks = device.mappedChunks() + (mapped == ShadowTree.ABSENT ? 1 : 0);
        return store(device.withMapping(root, mappedChunks));
    }

    private Device unmap(Device device, long chunk) throws IOException {
        space.ensureSpace(0, mappingNeeds(device), false);
        long root = tree.update(device.mappingRoot(), TreeKind.MAPPING, chunk, old -> {
            // The path is shadowed by now, so this drops this device's own reference only.
            dataChunks.decrement(old);
            return ShadowTree.ABSENT;
        });
        return store(device.withMapping(root, device.mappedChunks() - 1));
    }

    private long writeNewChunk(int inChunk, byte[] buf, int off, int len) throws IOException {
        long chunk = dataChunks.allocate();
        if (len == chunkSizeBytes) {
            data.write(chunk, 0, buf, off, len);
        } else {
            // A reused chunk still holds old bytes: write it whole, zeros around the new ones.
            byte[] whole = new byte[chunkSizeBytes];
            System.arraycopy(buf, off, whole, inChunk, len);
            data.write(chunk, 0, whole, 0, chunkSizeBytes);
        }
        return chunk;
    }

    /**
     * Runs inside the mapping update, after the path to the leaf is shadowed: the leaf is this
     * device's own, so a count of 1 on {@code old} means no other device reaches it.
     */
    private long overwriteChunk(long old, int inChunk, byte[] buf, int off, int len) throws IOException {
        if (dataChunks.writableInPlace(old)) {
            data.write(old, inChunk, buf, off, len);
            return old;
        }
        if (len < chunkSizeBytes && dataChunks.refcount(old) == 1 && log.fits(len)
                && log.loggedBytes(old) + len <= chunkSizeBytes) {
            // Part of the committed state but unshared: the bytes wait in the intent log until this
            // transaction commits (ChunkLog), instead of a whole-chunk copy. Past a chunk's worth of
            // logged bytes a copy is cheaper to read back, so the chunk is copied after all.
            log.append(old, inChunk, buf, off, len);
            return old;
        }
        // Shared, or part of the committed state: copy on write, once, to a new chunk.
        long copy = dataChunks.allocate();
        if (len == chunkSizeBytes) {
            data.write(copy, 0, buf, off, len);
        } else {
            byte[] whole = new byte[chunkSizeBytes];
            readChunk(old, 0, whole, 0, chunkSizeBytes);
            System.arraycopy(buf, off, whole, inChunk, len);
            data.write(copy, 0, whole, 0, chunkSizeBytes);
        }
        dataChunks.decrement(old);
        return copy;
    }

    /** A chunk's bytes as this transaction sees them: the data file with the intent log's bytes over it. */
    private void readChunk(long chunk, int inChunk, byte[] buf, int off, int len) throws IOException {
        data.read(chunk, inChunk, buf, off, len);
        log.overlay(chunk, inChunk, buf, off, len);
    }

    private Device store(Device device) throws IOException {
        devices.put(device);
        return device;
    }

    /**
     * Upper bound of node blocks one mapping update plus the device record update may allocate:
     * shadowing the path and splitting every level plus a new root (2h + 1), and the record's path.
     */
    private long mappingNeeds(Device device) throws IOException {
        return 2L * tree.height(device.mappingRoot()) + 1 + devices.newBlocksToChange();
    }

    private static boolean isZero(byte[] buf, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (buf[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
