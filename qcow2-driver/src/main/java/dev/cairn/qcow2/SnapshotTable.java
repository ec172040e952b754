package dev.cairn.qcow2;

import dev.cairn.qcow2.format.HeaderCodec;
import dev.cairn.qcow2.format.SnapshotEntry;
import dev.cairn.qcow2.format.SnapshotTableCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Internal snapshots (qcow2.txt "Snapshots"): the snapshot table and the create, apply and
 * delete algorithms. The table is never updated in place: a new copy is written, the header is
 * switched to it, then the old copy is freed. Not thread-safe.
 */
final class SnapshotTable {

    private final ImageState state;
    private final ClusterMap map;
    private final ReferenceWalk walk;
    private List<SnapshotEntry> entries;

    private SnapshotTable(ImageState state, ClusterMap map, ReferenceWalk walk, List<SnapshotEntry> entries) {
        this.state = state;
        this.map = map;
        this.walk = walk;
        this.entries = entries;
    }

    /** Reads and validates the table the header points at. */
    static SnapshotTable load(ImageState state, ClusterMap map, ReferenceWalk walk) throws IOException {
        return new SnapshotTable(state, map, walk, read(state));
    }

    static List<SnapshotEntry> read(ImageState state) throws IOException {
        int count = state.header().nbSnapshots();
        List<SnapshotEntry> result = new ArrayList<>(Math.min(count, 1024));
        long position = state.header().snapshotsOffset();
        long fileSize = state.file.sizeBytes();
        long end = position;
        for (int i = 0; i < count; i++) {
            if (end + SnapshotTableCodec.FIXED_BYTES > fileSize
                    || end - position > SnapshotTableCodec.MAX_TABLE_BYTES) {
                throw new Qcow2CorruptException("snapshot table (" + count + " entries at 0x"
                        + Long.toHexString(position) + ") runs past the end of the file or exceeds 64 MiB");
            }
            ByteBuffer fixed = ByteBuffer.wrap(state.file.read(end, SnapshotTableCodec.FIXED_BYTES));
            int length = SnapshotTableCodec.entryLength(fixed);
            if (end + length > fileSize + 8) {
                throw new Qcow2CorruptException("snapshot table entry " + i + " runs past the end of the file");
            }
            SnapshotEntry entry = SnapshotTableCodec.decode(ByteBuffer.wrap(state.file.read(end, length)));
            validate(state, entry, fileSize);
            result.add(entry);
            end += length;
        }
        return result;
    }

    private static void validate(ImageState state, SnapshotEntry entry, long fileSize) throws Qcow2CorruptException {
        long offset = entry.l1TableOffset();
        if (entry.l1Size() < 0 || entry.l1Size() > HeaderCodec.MAX_L1_ENTRIES || offset < 0 || offset >= 1L << 56
                || (offset & (state.clusterSize - 1)) != 0 || (offset == 0 && entry.l1Size() > 0)
                || offset + entry.l1Size() * 8L > fileSize) {
            throw new Qcow2CorruptException("snapshot '" + entry.name() + "' (ID " + entry.id()
                    + ") has an invalid L1 table: offset 0x" + Long.toHexString(offset) + ", " + entry.l1Size()
                    + " entries");
        }
    }

    List<SnapshotEntry> entries() {
        return entries;
    }

    /** Finds a snapshot by ID first, then by name (qemu-img snapshot -a rules). */
    SnapshotEntry lookup(String idOrName) throws Qcow2NotFoundException {
        for (SnapshotEntry entry : entries) {
            if (entry.id().equals(idOrName)) {
                return entry;
            }
        }
        for (SnapshotEntry entry : entries) {
            if (entry.name().equals(idOrName)) {
                return entry;
            }
        }
        throw new Qcow2NotFoundException("snapshot '" + idOrName + "' not found");
    }

    long[] readL1(SnapshotEntry entry) throws IOException {
        return ClusterMap.readL1(state.file, entry.l1TableOffset(), entry.l1Size());
    }

    /**
     * Creates a snapshot of the active state, dated {@code createdAt}. {@code id} may be empty: the
     * next free numeric ID is used, as qemu-img does.
     */
    SnapshotEntry create(String id, String name, Instant createdAt) throws IOException {
        if (entries.size() >= HeaderCodec.MAX_SNAPSHOTS) {
            throw new Qcow2UnsupportedException("image already has " + entries.size() + " snapshots");
        }
        String newId = id == null || id.isEmpty() ? nextId() : id;
        if (entries.stream().anyMatch(e -> e.id().equals(newId))) {
            throw new IllegalArgumentException("snapshot ID '" + newId + "' already exists");
        }
        if (newId.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 65535
                || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 65535) {
            throw new IllegalArgumentException("snapshot ID and name are limited to 65535 bytes");
        }
        long[] active = state.l1.clone();
        walk.adjust(active, +1);
        long l1Copy = 0;
        if (active.length > 0) {
            l1Copy = state.refcounts.allocate((int) state.clustersFor(active.length * 8L));
            state.file.write(l1Copy, ClusterMap.encodeL1(active, active.length));
        }
        walk.fixCopiedFlags();
        SnapshotEntry entry = new SnapshotEntry(l1Copy, active.length, newId, name, createdAt.getEpochSecond(),
                createdAt.getNano(), 0, 0, state.header().sizeBytes(), 0, new byte[0]);
        List<SnapshotEntry> updated = new ArrayList<>(entries);
        updated.add(entry);
        writeTable(updated);
        return entry;
    }

    private String nextId() {
        long max = 0;
        for (SnapshotEntry entry : entries) {
            try {
                max = Math.max(max, Long.parseLong(entry.id()));
            } catch (NumberFormatException e) {
                // Non-numeric IDs (legal in the format) do not take part in numbering.
            }
        }
        return Long.toString(max + 1);
    }

    /**
     * Reverts the active state to a snapshot; the snapshot stays. The image takes the
     * snapshot's virtual size.
     */
    void apply(String idOrName) throws IOException {
        SnapshotEntry entry = lookup(idOrName);
        long[] snapshotL1 = readL1(entry);
        long sizeBytes = entry.diskSizeBytes() >= 0 ? entry.diskSizeBytes() : state.header().sizeBytes();
        int newL1Size = (int) Math.max(snapshotL1.length, map.requiredL1Size(sizeBytes));
        walk.adjust(snapshotL1, +1);
        long[] oldActive = state.l1.clone();
        map.replaceActiveL1(java.util.Arrays.copyOf(snapshotL1, newL1Size), sizeBytes);
        walk.adjust(oldActive, -1);
        walk.fixCopiedFlags();
    }

    /** Deletes a snapshot (matched by ID first, then by name) and frees what only it used. */
    void delete(String idOrName) throws IOException {
        SnapshotEntry entry = lookup(idOrName);
        long[] snapshotL1 = readL1(entry);
        List<SnapshotEntry> updated = new ArrayList<>(entries);
        updated.remove(entry);
        // The table without the entry is durable before any refcount drops (a crash only leaks).
        writeTable(updated);
        walk.adjust(snapshotL1, -1);
        if (entry.l1Size() > 0) {
            for (long i = 0; i < state.clustersFor(entry.l1Size() * 8L); i++) {
                state.refcounts.update((entry.l1TableOffset() >> state.clusterBits) + i, -1);
            }
        }
        walk.fixCopiedFlags();
        state.refcounts.commit();
    }

    private void writeTable(List<SnapshotEntry> updated) throws IOException {
        long oldOffset = state.header().snapshotsOffset();
        long oldClusters = state.clustersFor(SnapshotTableCodec.encodedLength(entries));
        long newOffset = 0;
        if (!updated.isEmpty()) {
            byte[] encoded = SnapshotTableCodec.encode(updated);
            if (encoded.length > SnapshotTableCodec.MAX_TABLE_BYTES) {
                throw new Qcow2UnsupportedException("snapshot table would exceed 64 MiB");
            }
            newOffset = state.refcounts.allocate((int) state.clustersFor(encoded.length));
            state.file.write(newOffset, encoded);
        }
        // New table and its refcounts durable, then the header switch, then the old table freed.
        state.refcounts.commit();
        state.writeHeader(state.header().withSnapshots(updated.size(), newOffset));
        entries = List.copyOf(updated);
        if (oldOffset != 0) {
            state.refcounts.deferFree(oldOffset >> state.clusterBits, oldClusters);
        }
        // The decrements reach the disk with the caller's final commit.
        state.refcounts.releaseDeferred();
    }
}
