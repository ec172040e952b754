package dev.cairn.pool.chunk;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The raw chunk store of a {@code chunk} pool: one data file of fixed-size chunks and one metadata
 * file, shared by every device (volume, snapshot, clone) of the pool.
 *
 * <p>Each device maps logical chunks to data chunks through its own copy-on-write B-tree
 * ({@link ShadowTree}); nodes and data chunks are reference counted lazily, so a snapshot is one new
 * device record sharing the origin's root, whatever the device size. A write shadows the path to the
 * leaf; a data chunk is written in place only when it was allocated since the last commit and is not
 * shared. A partial write into an unshared chunk of the committed state goes to the intent log
 * ({@link ChunkLog}) and reaches the chunk once the commit holding it is durable; any other write into
 * a committed or shared chunk copies it. Unmapped ranges read as zeros; all-zero whole-chunk writes
 * and discards unmap.
 *
 * <p><b>Durability.</b> Changes become durable at a commit: new nodes and refcount pages are written
 * to places the committed state does not use, files (data, intent log, metadata) are forced, then a
 * checksummed superblock (two alternating slots, generation counter, the log's length and checksum)
 * is written and forced, then the logged bytes are written into their chunks, unforced: the next
 * commit's data force makes them durable before its superblock. {@link #open} recovers exactly the
 * last commit, replaying its log. Commits happen on {@link #commit()}, {@link #close()}, every device
 * create, snapshot, delete, revert and resize, when space runs out and freed space is waiting for a
 * commit, when a small write finds the intent log full, and every
 * {@link ChunkStoreOptions#autoCommitInterval()} while something changed.
 *
 * <p><b>Errors.</b> Every method throws {@link ChunkStoreException}: {@code NO_SUCH_DEVICE},
 * {@code STORE_FULL} (nothing of the failing step was changed; earlier chunks of a multi-chunk write
 * may have been), {@code CORRUPT}, {@code IO_ERROR}; after an I/O error or an internal failure the
 * store is failed ({@code STORE_FAILED}) and must be reopened, which recovers the last commit.
 * Bad arguments throw {@link IllegalArgumentException}.
 *
 * <p><b>Thread-safety.</b> Every method takes one store-wide lock ({@code lock}); all mutable state
 * below is guarded by it.
 */
public final class ChunkStore implements Closeable {

    static final String DATA_FILE = "chunks.data";
    static final String METADATA_FILE = "chunks.meta";
    /** 64 MiB of (sparse) node region at least: room for some 100,000 devices' records. */
    static final long DEFAULT_MIN_NODE_BLOCKS = 16384;

    private final Object lock = new Object();
    private final StoreLayout layout;
    private final MetadataFile metadata;
    private final ChunkData data;
    private final ChunkLog log;
    private final BlockCache cache;
    private final RefcountPages pages;
    private final SpaceMap dataChunks;
    private final SpaceMap nodeBlocks;
    private final NodeStore nodes;
    private final ShadowTree tree;
    private final DeviceTable devices;
    private final DeviceIo deviceIo;
    private final boolean syncOnCommit;
    private final ScheduledExecutorService autoCommit;
    private Superblock committed;
    private long nextDeviceId;
    private boolean changedSinceCommit;
    private boolean failed;
    private boolean closed;

    private ChunkStore(StoreFiles files, ChunkStoreOptions options) {
        Superblock superblock = files.superblock();
        this.layout = superblock.layout();
        this.committed = superblock;
        this.nextDeviceId = superblock.nextDeviceId();
        this.metadata = new MetadataFile(files.metadata());
        this.data = new ChunkData(files.data(), layout.chunkSizeBytes(), options.mappedSegmentBytes());
        this.log = new ChunkLog(files.log(), layout, superblock.generation());
        this.cache = new BlockCache(options.nodeCacheBytes(), this::writeBack);
        this.pages = new RefcountPages(metadata, cache, layout, files.index());
        this.dataChunks = new SpaceMap(pages, 0, layout.dataChunkCount());
        this.nodeBlocks = new SpaceMap(pages, layout.dataPageCount(), layout.nodeBlockCount());
        this.nodes = new NodeStore(metadata, cache, nodeBlocks, layout);
        this.tree = new ShadowTree(nodes, dataChunks);
        this.devices = new DeviceTable(tree, superblock.deviceTableRoot());
        this.deviceIo = new DeviceIo(tree, dataChunks, data, log, devices, new DeviceIo.SpaceGuard() {
            @Override
            public void ensureSpace(long dataNeeded, long nodesNeeded, boolean keepDeleteReserve) throws IOException {
                ChunkStore.this.ensureSpace(dataNeeded, nodesNeeded, keepDeleteReserve);
            }

            @Override
            public void ensureLogRoom(int len) throws IOException {
                ChunkStore.this.ensureLogRoom(len);
            }
        });
        this.syncOnCommit = options.syncOnCommit();
        this.autoCommit = startAutoCommit(options);
    }

    /**
     * Builds a new store in {@code dir} (created if needed) and opens it.
     *
     * @param chunkSizeBytes a power of two from 4 KiB to 1 MiB
     * @param options        {@code capacityBytes} (at least one chunk) and the other build fields
     * The store exists once its first commit, made here, is durable; a crash before that leaves
     * files that {@link #open} reports as {@code CORRUPT} and that may be deleted.
     *
     * @throws IllegalArgumentException when sizes are out of range
     * @throws ChunkStoreException      {@code IO_ERROR}, also when a store already exists there
     */
    public static ChunkStore create(Path dir, int chunkSizeBytes, ChunkStoreOptions options) {
        long dataChunkCount = options.capacityBytes() / chunkSizeBytes;
        long nodeBlockCount = options.nodeBlockCount() > 0 ? options.nodeBlockCount()
                : Math.max(DEFAULT_MIN_NODE_BLOCKS, dataChunkCount / 8);
        StoreLayout layout = new StoreLayout(chunkSizeBytes, dataChunkCount, nodeBlockCount, options.nodeFanout());
        ChunkStore store = new ChunkStore(StoreFiles.build(dir, layout, options), options);
        try {
            // Generation 0 exists only in memory: the store is on disk once its first commit is.
            store.locked(() -> {
                store.commitChange();
                return null;
            });
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        StoreFiles.forceDirectory(dir);
        return store;
    }

    /**
     * Opens the store in {@code dir} at its last commit: the superblock slot with the higher
     * generation among those that pass their checksum and whose refcount index passes its own.
     * Falling back to the older slot recovers the previous commit exactly when nothing was written
     * after the newest one (the case of a torn superblock write). Build-only option fields are ignored.
     *
     * @throws ChunkStoreException {@code CORRUPT} when no superblock qualifies, {@code IO_ERROR} when
     *                             the files cannot be read or the store is open elsewhere
     */
    public static ChunkStore open(Path dir, ChunkStoreOptions options) {
        ChunkStore store = new ChunkStore(StoreFiles.open(dir, options), options);
        try {
            // The chunks must hold the committed generation before anything reads them.
            store.locked(() -> {
                store.log.replay(store.committed, store.data);
                return null;
            });
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /** Deletes a store's files in {@code dir} (those that exist); the store must be closed. */
    static void deleteFiles(Path dir) throws IOException {
        java.nio.file.Files.deleteIfExists(dir.resolve(DATA_FILE));
        java.nio.file.Files.deleteIfExists(dir.resolve(ChunkLog.FILE));
        java.nio.file.Files.deleteIfExists(dir.resolve(METADATA_FILE));
    }

    /** The chunk size chosen at build; the unit of allocation, sharing and diff. */
    public int chunkSizeBytes() {
        return layout.chunkSizeBytes();
    }

    /**
     * Creates an empty thin device; committed before returning.
     *
     * @return its id, never reused while the store lives
     */
    public long createDevice(long capacityBytes) {
        requireNonNegative(capacityBytes, "capacity");
        return locked(() -> {
            ensureSpace(0, devices.newBlocksToAdd(), true);
            long id = nextDeviceId++;
            devices.put(new Device(id, NodeStore.NO_NODE, capacityBytes, 0));
            commitChange();
            return id;
        });
    }

    /** A new device sharing {@code originId}'s mapping and capacity: O(1), committed before returning. */
    public long snapshotDevice(long originId) {
        return locked(() -> {
            Device origin = lookupDevice(originId);
            ensureSpace(0, devices.newBlocksToAdd(), true);
            long id = nextDeviceId++;
            tree.share(origin.mappingRoot());
            devices.put(new Device(id, origin.mappingRoot(), origin.capacityBytes(), origin.mappedChunks()));
            commitChange();
            return id;
        });
    }

    /** Drops the device; nodes and chunks no other device uses are freed (reusable after this commit). */
    public void deleteDevice(long id) {
        locked(() -> {
            Device device = lookupDevice(id);
            ensureSpace(0, devices.newBlocksToChange(), false);
            tree.release(device.mappingRoot());
            devices.remove(id);
            commitChange();
            return null;
        });
    }

    /** Device {@code id} takes {@code fromId}'s mapping and capacity (sharing it): O(1) plus what becomes unshared. */
    public void revert(long id, long fromId) {
        locked(() -> {
            Device device = lookupDevice(id);
            Device from = lookupDevice(fromId);
            ensureSpace(0, devices.newBlocksToChange(), false);
            // Take the new reference before dropping the old one: both may be the same tree.
            tree.share(from.mappingRoot());
            tree.release(device.mappingRoot());
            devices.put(new Device(id, from.mappingRoot(), from.capacityBytes(), from.mappedChunks()));
            commitChange();
            return null;
        });
    }

    /** Reads {@code len} bytes at {@code offset}; unmapped ranges read as zeros. */
    public void read(long deviceId, long offset, byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        inspect(() -> {
            Device device = lookupDevice(deviceId);
            checkRange(device, offset, len);
            deviceIo.read(device, offset, buf, off, len);
            return null;
        });
    }

    /**
     * Writes {@code len} bytes at {@code offset}; durable at the next commit.
     *
     * @throws ChunkStoreException {@code STORE_FULL} when no chunk or node block is left even after
     *                             committing pending frees; chunks before the failing one are written
     */
    public void write(long deviceId, long offset, byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        locked(() -> {
            Device device = lookupDevice(deviceId);
            checkRange(device, offset, len);
            try {
                deviceIo.write(device, offset, buf, off, len);
            } finally {
                // Also after a failure part-way: earlier chunks did change.
                changedSinceCommit = true;
            }
            return null;
        });
    }

    /** Unmaps the whole chunks in the range and zeroes its partial chunks; durable at the next commit. */
    public void discard(long deviceId, long offset, long len) {
        locked(() -> {
            Device device = lookupDevice(deviceId);
            checkRange(device, offset, len);
            try {
                deviceIo.discard(device, offset, len);
            } finally {
                // Also after a failure part-way: earlier chunks did change.
                changedSinceCommit = true;
            }
            return null;
        });
    }

    /** Changes the capacity; shrinking unmaps (and zeroes) what lies beyond. Committed before returning. */
    public void resize(long deviceId, long newCapacityBytes) {
        requireNonNegative(newCapacityBytes, "capacity");
        locked(() -> {
            Device device = lookupDevice(deviceId);
            changedSinceCommit = true;
            device = deviceIo.truncate(device, newCapacityBytes);
            ensureSpace(0, devices.newBlocksToChange(), false);
            devices.put(device.withCapacity(newCapacityBytes));
            commitChange();
            return null;
        });
    }

    /**
     * Reports where device {@code b} differs from device {@code a}, walking both trees and skipping
     * the subtrees they share: the cost follows what changed. Ranges are clipped to {@code b}'s capacity.
     * A range may be reported although its bytes are equal (both sides wrote the same bytes separately).
     *
     * @return the number of tree nodes read, a measure of the cost
     */
    public long diff(long a, long b, DiffVisitor visitor) {
        return inspect(() -> diffRoots(lookupDevice(a).mappingRoot(), lookupDevice(b), visitor));
    }

    /**
     * Reports where device {@code b} differs from an empty device: every range it maps, as
     * {@link DiffKind#CHANGED}, in ascending order. The cost follows what {@code b} maps.
     *
     * @return the number of tree nodes read
     */
    public long diffFromEmpty(long b, DiffVisitor visitor) {
        return inspect(() -> diffRoots(NodeStore.NO_NODE, lookupDevice(b), visitor));
    }

    private long diffRoots(long rootA, Device to, DiffVisitor visitor) throws IOException {
        long chunk = layout.chunkSizeBytes();
        return TreeDiff.diff(nodes, rootA, to.mappingRoot(), (first, count, kind) -> {
            long start = first * chunk;
            long end = Math.min(to.capacityBytes(), (first + count) * chunk);
            if (start < end) {
                visitor.range(start, end - start, kind);
            }
        });
    }

    /** The device's logical size. */
    public long deviceCapacityBytes(long id) {
        return inspect(() -> lookupDevice(id).capacityBytes());
    }

    /** Bytes of the chunks the device maps, shared ones included. */
    public long deviceAllocatedBytes(long id) {
        return inspect(() -> lookupDevice(id).mappedChunks() * layout.chunkSizeBytes());
    }

    /** Whether a device with this id exists (never throws {@code NO_SUCH_DEVICE}). */
    public boolean deviceExists(long id) {
        return inspect(() -> devices.find(id).isPresent());
    }

    /** Every device id, ascending (for reconciling a catalog with the store). */
    public long[] deviceIds() {
        return inspect(() -> {
            List<Long> ids = new ArrayList<>();
            devices.forEach(device -> ids.add(device.id()));
            return ids.stream().mapToLong(Long::longValue).toArray();
        });
    }

    /** The size of the data area: chunk count times chunk size. */
    public long storeCapacityBytes() {
        return layout.capacityBytes();
    }

    /** Bytes of data chunks with at least one reference. */
    public long storeAllocatedBytes() {
        return inspect(() -> dataChunks.allocatedEntries() * layout.chunkSizeBytes());
    }

    /** Capacity minus allocation (chunks freed since the last commit count as free: a commit reclaims them). */
    public long storeFreeBytes() {
        return storeCapacityBytes() - storeAllocatedBytes();
    }

    /** The generation of the last commit (grows by one per commit). */
    public long committedGeneration() {
        return inspect(() -> committed.generation());
    }

    /** Node blocks in use, for capacity planning of the metadata file. */
    public long metadataAllocatedBlocks() {
        return inspect(nodeBlocks::allocatedEntries);
    }

    /** Makes every change so far durable; a no-op when nothing changed. */
    public void commit() {
        locked(() -> {
            commitLocked();
            return null;
        });
    }

    /** Recomputes every reference count from the trees and compares with the stored ones. Changes nothing. */
    public CheckReport check() {
        return inspect(() -> new RefcountAudit(layout, nodes, dataChunks, devices).run(false));
    }

    /** Like {@link #check()}, then drops leaked references and fixes free and mapped counts, and commits. */
    public CheckReport repair() {
        return locked(() -> {
            ensureSpace(0, devices.newBlocksToChange(), false);
            CheckReport report = new RefcountAudit(layout, nodes, dataChunks, devices).run(true);
            changedSinceCommit |= report.repaired() > 0;
            commitLocked();
            return report;
        });
    }

    /** Commits (unless the store failed) and closes the files. Idempotent. */
    @Override
    public void close() {
        if (autoCommit != null) {
            autoCommit.shutdownNow();
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (!failed) {
                    commitLocked();
                }
            } catch (IOException e) {
                throw new ChunkStoreException(ChunkStoreException.Reason.IO_ERROR, "commit at close failed", e);
            } finally {
                closeQuietly();
            }
        }
    }

    /** The data chunk space map, for tests that plant leaks and corruption. */
    SpaceMap dataChunkMap() {
        return dataChunks;
    }

    /** Blocks in the metadata cache now, and its bound. */
    int cachedBlocks() {
        synchronized (lock) {
            return cache.size();
        }
    }

    int cacheBoundBlocks() {
        return cache.maxBlocks();
    }

    private void closeQuietly() {
        try {
            metadata.close();
        } catch (IOException ignored) {
            // Closing after a failure; the last commit is what a reopen sees.
        }
        try {
            data.close();
        } catch (IOException ignored) {
            // As above.
        }
        try {
            log.close();
        } catch (IOException ignored) {
            // As above.
        }
    }

    /** Commits a change the caller just made. */
    private void commitChange() throws IOException {
        changedSinceCommit = true;
        commitLocked();
    }

    /** The commit protocol, when anything changed. Order matters at each step; see the comments at the writes. */
    private void commitLocked() throws IOException {
        if (!changedSinceCommit) {
            return;
        }
        // New nodes go to blocks allocated in this transaction and refcount pages to their spare slots;
        // the committed state reads neither, so a crash from here on still finds it intact.
        cache.flushDirty();
        // The superblock below names the log's bytes: they must be in the file, forced or not.
        log.flush();
        if (syncOnCommit) {
            // Also makes the previous commit's logged bytes durable in their chunks (applyLog), so
            // that its log is no longer needed once the superblock below is.
            data.force();
            log.force();
        }
        // In the new generation, entries freed in this transaction are free, so its index counts them
        // so; nothing allocates before the superblock below is durable (the lock is held throughout).
        dataChunks.releasePending();
        nodeBlocks.releasePending();
        ByteBuffer index = pages.encodeIndexForCommit();
        Superblock next = committed.next(RefcountPages.checksum(index), devices.root(), nextDeviceId,
                log.bytes(), log.checksum());
        // The index copy of the next generation: the committed generation uses the other copy.
        metadata.write(layout.indexStartBlock(next.slot()), index);
        if (syncOnCommit) {
            // Everything the new superblock names must be durable before the superblock names it.
            metadata.force();
        }
        // The switch: one block in the slot the committed superblock does not occupy, so a torn
        // write leaves the previous generation valid.
        metadata.write(next.slot(), next.encode());
        if (syncOnCommit) {
            metadata.force();
        }
        committed = next;
        changedSinceCommit = false;
        applyLog();
        // The new generation references what this transaction allocated: no more writing it in place.
        dataChunks.endTransaction();
        nodeBlocks.endTransaction();
    }

    /**
     * The new generation is durable with its log: its chunks may now take the logged bytes. They are
     * not forced here: the log holds them durably until the next commit forces the data file before
     * its superblock (ChunkLog), so a commit forces the data file once, not twice. A failure here does
     * not undo the commit, so it is not the caller's failure: the store is marked failed and the
     * replay at the next open finishes the apply.
     */
    private void applyLog() {
        try {
            log.applyCommitted(data);
        } catch (IOException | RuntimeException e) {
            failed = true;
            System.getLogger(ChunkStore.class.getName()).log(System.Logger.Level.ERROR,
                    "writing the intent log into its chunks failed after commit " + committed.generation()
                            + "; the store must be reopened", e);
        }
    }

    /**
     * Makes sure the next step can allocate what it needs, committing first when freed space is only
     * waiting for a commit. {@code keepDeleteReserve} keeps blocks back so deletes can always run.
     */
    private void ensureSpace(long dataNeeded, long nodesNeeded, boolean keepDeleteReserve) throws IOException {
        long nodesWanted = nodesNeeded + (keepDeleteReserve ? devices.newBlocksToChange() : 0);
        if (fits(dataNeeded, nodesWanted)) {
            return;
        }
        if (dataChunks.pendingEntries() > 0 || nodeBlocks.pendingEntries() > 0) {
            // Freed entries wait for a commit before they may be reused.
            commitChange();
            // The commit may have failed the store after it became durable (applyLog): stop here.
            checkUsable();
            if (fits(dataNeeded, nodesWanted)) {
                return;
            }
        }
        throw new ChunkStoreException(ChunkStoreException.Reason.STORE_FULL, "chunk store full: "
                + dataChunks.freeEntries() + " free chunks (" + dataNeeded + " needed), "
                + nodeBlocks.freeEntries() + " free metadata blocks (" + nodesWanted + " needed)");
    }

    /**
     * Commits when the intent log cannot take {@code len} more bytes: a commit empties it, and costs
     * less than copying whole chunks for small writes until the next timed commit.
     */
    private void ensureLogRoom(int len) throws IOException {
        if (!log.fits(len)) {
            commitChange();
            // As in ensureSpace: the commit may have failed the store after it became durable.
            checkUsable();
        }
    }

    private boolean fits(long dataNeeded, long nodesNeeded) {
        return dataChunks.freeEntries() >= dataNeeded && nodeBlocks.freeEntries() >= nodesNeeded;
    }

    private Device lookupDevice(long id) throws IOException {
        return devices.find(id).orElseThrow(() -> new ChunkStoreException(
                ChunkStoreException.Reason.NO_SUCH_DEVICE, "no device " + id));
    }

    private static void checkRange(Device device, long offset, long len) {
        if (offset < 0 || len < 0 || offset > device.capacityBytes() - len) {
            throw new IllegalArgumentException("range " + offset + "+" + len + " outside device " + device.id()
                    + " of " + device.capacityBytes() + " bytes");
        }
    }

    private static void requireNonNegative(long value, String what) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must not be negative: " + value);
        }
    }

    private void writeBack(long key, CachedBlock block) throws IOException {
        if (block instanceof TreeNode node) {
            nodes.writeBack(node);
        } else {
            pages.writeBack((RefcountPage) block);
        }
    }

    /** One unit of work under the store lock. */
    private interface LockedWork<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code work}, which changes the store, under the lock. Failures thrown before anything
     * changed (no such device, store full, bad arguments) leave the store usable; any other failure
     * may have left the in-memory state half-changed, so the store is marked failed.
     */
    private <T> T locked(LockedWork<T> work) {
        synchronized (lock) {
            checkUsable();
            try {
                return work.run();
            } catch (ChunkStoreException e) {
                if (e.reason() != ChunkStoreException.Reason.NO_SUCH_DEVICE
                        && e.reason() != ChunkStoreException.Reason.STORE_FULL) {
                    failed = true;
                }
                throw e;
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (IOException e) {
                failed = true;
                throw new ChunkStoreException(ChunkStoreException.Reason.IO_ERROR, e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                failed = true;
                throw e;
            }
        }
    }

    /**
     * Runs {@code work}, which only reads, under the lock. A failure leaves the state as it was (a
     * dirty block whose write-back failed stays cached and dirty), so the store stays usable.
     */
    private <T> T inspect(LockedWork<T> work) {
        synchronized (lock) {
            checkUsable();
            try {
                return work.run();
            } catch (IOException e) {
                throw new ChunkStoreException(ChunkStoreException.Reason.IO_ERROR, e.getMessage(), e);
            }
        }
    }

    private void checkUsable() {
        if (closed) {
            throw new ChunkStoreException(ChunkStoreException.Reason.CLOSED, "chunk store is closed");
        }
        if (failed) {
            throw new ChunkStoreException(ChunkStoreException.Reason.STORE_FAILED,
                    "chunk store failed earlier; reopen it to recover the last commit");
        }
    }

    private ScheduledExecutorService startAutoCommit(ChunkStoreOptions options) {
        long intervalMillis = options.autoCommitInterval().toMillis();
        if (intervalMillis <= 0) {
            return null;
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "chunk-store-commit");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::commitIfChanged, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        return timer;
    }

    private void commitIfChanged() {
        synchronized (lock) {
            if (closed || failed || !changedSinceCommit) {
                return;
            }
            try {
                commitLocked();
            } catch (IOException | RuntimeException e) {
                failed = true;
                System.getLogger(ChunkStore.class.getName()).log(System.Logger.Level.ERROR,
                        "automatic commit failed; the store must be reopened", e);
            }
        }
    }
}
