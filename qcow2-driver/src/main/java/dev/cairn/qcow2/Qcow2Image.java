package dev.cairn.qcow2;

import dev.cairn.qcow2.format.Features;
import dev.cairn.qcow2.format.HeaderCodec;
import dev.cairn.qcow2.format.Qcow2Header;
import dev.cairn.qcow2.format.SnapshotEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An open qcow2 image (v3 read/write, v2 read/write without zero clusters), with its backing
 * chain. Guest I/O goes through the L1/L2 tables with a bounded L2 cache; the L1 and refcount
 * tables stay in memory (at most 32 MiB and 8 MiB by the format's limits).
 *
 * <p><b>Thread-safety:</b> none. Callers serialize all use of one instance (the service does so
 * per volume); different instances on different files are independent. Two instances must not
 * write the same file, and QEMU's own file locks are not taken.
 *
 * <p><b>Durability:</b> every metadata change follows the qcow2 ordering rules (a refcount
 * increment is durable before the pointer using the cluster, a pointer removal before the
 * refcount decrement, tables relocated by write-new / switch-header / free-old), so a crash
 * leaves at worst leaked clusters. Guest data is durable after {@link #flush()} or
 * {@link #close()}. The one exception is an image made by
 * {@link #create(Path, Qcow2CreateOptions, WriteOrdering)} with
 * {@link WriteOrdering#DEFERRED_TO_CLOSE}: it skips the ordering barriers and is valid only once
 * flushed.
 *
 * <p><b>Errors:</b> {@link Qcow2CorruptException} for invalid metadata, {@link
 * Qcow2UnsupportedException} for valid but unimplemented features or requests,
 * {@link Qcow2NotFoundException} for unknown snapshots, plain {@link IOException} for I/O.
 * Writes to an image opened read-only throw {@link IllegalStateException}.
 */
public final class Qcow2Image implements BackingLayer {

    /** Longest backing chain accepted below one image. */
    public static final int MAX_CHAIN_DEPTH = 64;
    /** L2 cache budget per open image. */
    public static final long L2_CACHE_BYTES = 8L * 1024 * 1024;

    private final ImageState state;
    private final ClusterMap map;
    private final GuestIo io;
    private final ReferenceWalk walk;
    private final SnapshotTable snapshots;
    private final ImageCheck checker;
    private final Path backingPath;

    private Qcow2Image(ImageState state, Path backingPath) throws IOException {
        this.state = state;
        this.backingPath = backingPath;
        this.map = new ClusterMap(state);
        this.io = new GuestIo(state, map);
        state.refcounts.onClusterFreed(hostOffset -> {
            state.l2Cache.invalidate(hostOffset);
            io.forgetFreedCluster(hostOffset);
        });
        this.walk = new ReferenceWalk(state, map);
        this.snapshots = SnapshotTable.load(state, map, walk);
        this.checker = new ImageCheck(state, map, walk, snapshots);
    }

    /**
     * Creates a new image (replacing an existing file) with the layout qemu-img 7.2 produces:
     * header, refcount table, one refcount block, then the L1 table.
     *
     * @return the image, open for writing with {@link WriteOrdering#ORDERED}
     * @throws IOException when the file cannot be written or the backing file cannot be opened
     */
    public static Qcow2Image create(Path file, Qcow2CreateOptions options) throws IOException {
        return create(file, options, WriteOrdering.ORDERED);
    }

    /**
     * As {@link #create(Path, Qcow2CreateOptions)}, with the write ordering of the returned image.
     * {@link WriteOrdering#DEFERRED_TO_CLOSE} is for a new file that nothing reads before
     * {@link #close()} (a convert's target): it is durable and valid only after that close, and a
     * caller that fails or crashes before must discard it.
     */
    public static Qcow2Image create(Path file, Qcow2CreateOptions options, WriteOrdering ordering)
            throws IOException {
        long capacityBytes = options.capacityBytes();
        if (!options.backingFile().isEmpty() && capacityBytes == 0) {
            Path backing = resolveBacking(file, options.backingFile());
            try (BackingLayer layer = openBacking(backing, options.backingFormat(), 1, new HashSet<>())) {
                capacityBytes = layer.capacityBytes();
            }
        }
        capacityBytes = (capacityBytes + 511) & ~511L;
        Qcow2Header header = Qcow2Header.fresh(options.version(), options.clusterBits(), 0, options.refcountOrder())
                .withRefcountTable(1L << options.clusterBits(), 1)
                .withFeatures(0, options.lazyRefcounts() ? Features.COMPAT_LAZY_REFCOUNTS : 0, 0)
                .withBacking(options.backingFile(), options.backingFormat());
        writeEmptyImage(file, header, ordering);
        Qcow2Image image = open(file, true, false, 0, new HashSet<>(), ordering, false);
        try {
            image.resize(capacityBytes);
            if (ordering == WriteOrdering.ORDERED) {
                image.flush();
            }
            return image;
        } catch (IOException | RuntimeException e) {
            image.close();
            throw e;
        }
    }

    private static void writeEmptyImage(Path file, Qcow2Header header, WriteOrdering ordering)
            throws IOException {
        if (Files.exists(file)) {
            // Replaced only if no other process holds it (QEMU's locks), as qemu-img create refuses a file in use.
            try (ImageLock replaced = ImageLock.forWriting(file)) {
                Files.delete(file);
            }
        }
        int clusterSize = header.clusterSize();
        try (HostFile host = HostFile.create(file, ordering)) {
            byte[] cluster0 = new byte[clusterSize];
            byte[] encoded = HeaderCodec.encode(header);
            System.arraycopy(encoded, 0, cluster0, 0, encoded.length);
            byte[] table = ByteBuffer.allocate(clusterSize).putLong(0, 2L * clusterSize).array();
            byte[] block = new byte[clusterSize];
            for (int cluster = 0; cluster < 3; cluster++) {
                dev.cairn.qcow2.format.RefcountBlockCodec.set(block, cluster, header.refcountOrder(), 1);
            }
            host.write(0, cluster0);
            host.write(clusterSize, table);
            host.write(2L * clusterSize, block);
            host.barrier();
        }
    }

    /**
     * Loads now the native calls behind QEMU's image locks ({@link ImageLock}) and a convert's hole
     * skipping ({@link DataExtents}), so that a tool can do it on a spare thread while it starts;
     * otherwise their first use loads them (40-90 ms).
     */
    public static void preloadNativeCalls() {
        LinuxCalls.get();
    }

    /**
     * Opens an image and its whole backing chain (qcow2 or raw layers, opened read-only).
     *
     * @param writable open for writing; a dirty image is then repaired (refcounts rebuilt) and
     *     unknown autoclear bits are cleared, as QEMU does
     * @throws Qcow2CorruptException for invalid metadata, a corrupt-marked image opened for
     *     writing, or a backing chain loop
     * @throws Qcow2UnsupportedException for unimplemented features or a chain deeper than
     *     {@value #MAX_CHAIN_DEPTH}
     */
    public static Qcow2Image open(Path file, boolean writable) throws IOException {
        return open(file, writable, false, 0, new HashSet<>());
    }

    /**
     * Opens an image for writing even if it carries the corrupt bit, so that
     * {@link #repair(RepairMode)} can fix it; only repair should be called on it.
     */
    public static Qcow2Image openForRepair(Path file) throws IOException {
        return open(file, true, true, 0, new HashSet<>());
    }

    /** Opens for writing without opening the backing chain (header edits such as rebase -u). */
    static Qcow2Image openWithoutBacking(Path file) throws IOException {
        return open(file, true, false, -1, new HashSet<>());
    }

    private static Qcow2Image open(Path file, boolean writable, boolean repairing, int depth, Set<Path> chain)
            throws IOException {
        return open(file, writable, repairing, depth, chain, WriteOrdering.ORDERED, writable);
    }

    /** As above; {@code locked}: take QEMU's image locks for a writer (not for a file just created). */
    private static Qcow2Image open(Path file, boolean writable, boolean repairing, int depth, Set<Path> chain,
            WriteOrdering ordering, boolean locked) throws IOException {
        HostFile host = HostFile.open(file, writable, ordering, locked);
        try {
            Qcow2Header header = readHeader(host);
            validateLayout(header, host.refreshSizeBytes());
            if (writable && !repairing && (header.incompatibleFeatures() & Features.INCOMPAT_CORRUPT) != 0) {
                throw new Qcow2CorruptException(file + " is marked corrupt; repair it before opening it for writing");
            }
            ImageState state = new ImageState(host, header, L2_CACHE_BYTES);
            state.refcounts = RefcountTable.load(host, header.clusterBits(), header.refcountOrder(),
                    header.refcountTableOffset(), header.refcountTableClusters(),
                    (offset, clusters) -> state.writeHeader(state.header().withRefcountTable(offset, clusters)));
            state.l1 = ClusterMap.readL1(host, header.l1TableOffset(), header.l1Size());
            Path backingPath = null;
            if (!header.backingFileName().isEmpty() && depth >= 0) {
                chain.add(file.toRealPath());
                backingPath = resolveBacking(file, header.backingFileName());
                state.backing = openBacking(backingPath, header.backingFormat(), depth + 1, chain);
            }
            Qcow2Image image = new Qcow2Image(state, backingPath);
            if (writable) {
                image.prepareForWriting(repairing);
            }
            return image;
        } catch (IOException | RuntimeException e) {
            host.close();
            throw e;
        }
    }

    private static Qcow2Header readHeader(HostFile host) throws IOException {
        long fileSize = host.sizeBytes();
        byte[] first = host.read(0, (int) Math.min(512, fileSize));
        if (first.length < 24) {
            return HeaderCodec.decode(ByteBuffer.wrap(first));
        }
        int clusterBits = ByteBuffer.wrap(first).getInt(20);
        int clusterSize = clusterBits >= 9 && clusterBits <= 21 ? 1 << clusterBits : 512;
        return HeaderCodec.decode(ByteBuffer.wrap(host.read(0, (int) Math.min(clusterSize, fileSize))));
    }

    /** Refuses tables that lie beyond the end of the file or overlap each other. */
    private static void validateLayout(Qcow2Header header, long fileSize) throws Qcow2CorruptException {
        long l1End = header.l1TableOffset() + header.l1Size() * 8L;
        if (header.l1Size() > 0 && l1End > fileSize) {
            throw new Qcow2CorruptException("L1 table (0x" + Long.toHexString(header.l1TableOffset()) + ", "
                    + header.l1Size() + " entries) extends beyond the end of the file (" + fileSize + " bytes)");
        }
        long refcountStart = header.refcountTableOffset();
        long refcountEnd = refcountStart + ((long) header.refcountTableClusters() << header.clusterBits());
        if (refcountStart >= fileSize) {
            throw new Qcow2CorruptException("refcount table at 0x" + Long.toHexString(refcountStart)
                    + " lies beyond the end of the file (" + fileSize + " bytes)");
        }
        if (header.l1Size() > 0 && header.l1TableOffset() < refcountEnd && refcountStart < l1End) {
            throw new Qcow2CorruptException("L1 table and refcount table overlap");
        }
        if (header.nbSnapshots() > 0 && header.snapshotsOffset() >= fileSize) {
            throw new Qcow2CorruptException("snapshot table at 0x" + Long.toHexString(header.snapshotsOffset())
                    + " lies beyond the end of the file");
        }
    }

    private static Path resolveBacking(Path overlay, String backingName) throws Qcow2CorruptException {
        Path backing;
        try {
            backing = Path.of(backingName);
        } catch (java.nio.file.InvalidPathException e) {
            // The format allows any bytes (a NUL, for one); such a name can name no file here.
            throw new Qcow2CorruptException("backing file name '" + backingName.replace('\0', '?')
                    + "' is not a valid path: " + e.getReason());
        }
        if (backing.isAbsolute()) {
            return backing;
        }
        Path directory = overlay.toAbsolutePath().getParent();
        return directory == null ? backing : directory.resolve(backing);
    }

    private static BackingLayer openBacking(Path backing, String format, int depth, Set<Path> chain)
            throws IOException {
        if (depth > MAX_CHAIN_DEPTH) {
            throw new Qcow2UnsupportedException("backing chain deeper than " + MAX_CHAIN_DEPTH + " at " + backing);
        }
        if (!Files.exists(backing)) {
            throw new java.nio.file.NoSuchFileException(backing.toString(), null, "backing file not found");
        }
        if (chain.contains(backing.toRealPath())) {
            throw new Qcow2CorruptException("backing chain loop: " + backing + " is its own ancestor");
        }
        String effective = format.isEmpty() ? probeFormat(backing) : format;
        return switch (effective) {
            case "qcow2" -> open(backing, false, false, depth, chain);
            case "raw" -> new RawBacking(backing);
            default -> throw new Qcow2UnsupportedException("unsupported backing format '" + format + "'");
        };
    }

    /**
     * "qcow2" when the file starts with the qcow2 magic, else "raw" (QEMU's probe, for tools given
     * no format; images the service stores always name their backing format).
     */
    public static String probeFormat(Path file) throws IOException {
        try (HostFile host = HostFile.open(file, false)) {
            byte[] magic = host.read(0, 4);
            return ByteBuffer.wrap(magic).getInt() == HeaderCodec.MAGIC ? "qcow2" : "raw";
        }
    }

    private void prepareForWriting(boolean repairing) throws IOException {
        Qcow2Header header = state.header();
        if (header.autoclearFeatures() != 0) {
            // Nothing this engine writes maintains autoclear features (bitmaps): clear them first.
            state.writeHeader(header.withFeatures(header.incompatibleFeatures(), header.compatibleFeatures(), 0));
        }
        if (!repairing && (state.header().incompatibleFeatures() & Features.INCOMPAT_DIRTY) != 0) {
            // qcow2.txt: the dirty bit means refcounts may be wrong; rebuild before allocating.
            checker.rebuildRefcounts();
            walk.fixCopiedFlags();
            state.refcounts.commit();
            clearIncompatible(Features.INCOMPAT_DIRTY);
        }
    }

    private void clearIncompatible(long bits) throws IOException {
        Qcow2Header header = state.header();
        state.writeHeader(header.withFeatures(header.incompatibleFeatures() & ~bits, header.compatibleFeatures(),
                header.autoclearFeatures()));
    }

    /** The current decoded header. */
    public Qcow2Header header() {
        return state.header();
    }

    public Path path() {
        return state.file.path();
    }

    public int clusterSize() {
        return state.clusterSize;
    }

    @Override
    public long capacityBytes() {
        return state.header().sizeBytes();
    }

    /** The resolved path of the backing file, if any. */
    public Optional<Path> backingPath() {
        return Optional.ofNullable(backingPath);
    }

    /** Bytes of host clusters with a non-zero refcount (header and metadata included). */
    public long allocatedBytes() throws IOException {
        long clusters = state.clustersFor(state.file.sizeBytes());
        long used = 0;
        for (long cluster = 0; cluster < clusters; cluster++) {
            if (state.refcounts.refcount(cluster) != 0) {
                used++;
            }
        }
        return used << state.clusterBits;
    }

    /**
     * Reads guest bytes. Unallocated clusters read from the backing chain (zeroes beyond its end
     * or without one); zero clusters read zeroes; compressed clusters are inflated.
     *
     * @throws IllegalArgumentException when the range is outside the virtual disk
     */
    @Override
    public void read(long offset, byte[] buf, int off, int len) throws IOException {
        checkRange(offset, len);
        java.util.Objects.checkFromIndexSize(off, len, buf.length);
        io.read(state.l1, offset, buf, off, len);
    }

    /**
     * Writes guest bytes, allocating (and copying on write from the backing file, snapshots or
     * compressed clusters) as needed. Whole clusters of zeroes become zero clusters on v3.
     */
    public void write(long offset, byte[] buf, int off, int len) throws IOException {
        checkWritable();
        checkRange(offset, len);
        java.util.Objects.checkFromIndexSize(off, len, buf.length);
        io.write(offset, buf, off, len);
    }

    /**
     * Maps {@code clusters} whole guest clusters from the cluster-aligned {@code offset} to new
     * host clusters that follow each other and returns the host offset of the first; the caller
     * then writes their data with {@link #writeHost}. Only for an image being filled after
     * {@link #create(Path, Qcow2CreateOptions, WriteOrdering)} with deferred ordering, whose
     * clusters there hold nothing yet (a convert's target).
     */
    long mapNewClusters(long offset, int clusters) throws IOException {
        checkWritable();
        checkRange(offset, (long) clusters << state.clusterBits);
        if ((offset & (state.clusterSize - 1)) != 0) {
            throw new IllegalArgumentException("offset " + offset + " is not cluster aligned");
        }
        return io.mapNewClusters(offset >> state.clusterBits, clusters);
    }

    /**
     * Writes data at a host offset {@link #mapNewClusters} returned. Safe on several threads at
     * once for distinct ranges, and alongside one thread calling the other methods.
     */
    void writeHost(long hostOffset, ByteBuffer data) throws IOException {
        state.file.writeConcurrently(hostOffset, data);
    }

    /** Forces the data {@link #writeHost} wrote so far while other threads go on writing ({@link WriteBehind}). */
    void forceWhileWriting() throws IOException {
        state.file.forceWhileWriting();
    }

    /** A read-only mapping of host bytes of this image's file, which must lie within it. */
    java.nio.MappedByteBuffer mapHost(long hostOffset, int length) throws IOException {
        return state.file.map(hostOffset, length);
    }

    /** The length of this image's file. */
    long hostFileBytes() throws IOException {
        return state.file.sizeBytes();
    }

    /**
     * Writes one guest cluster compressed (qemu-io {@code write -c}). {@code offset} must be
     * cluster aligned and {@code len} a whole cluster, or the rest of the disk for a short last
     * cluster. Incompressible data is stored uncompressed.
     *
     * @throws IllegalArgumentException for unaligned or partial-cluster requests
     */
    public void writeCompressed(long offset, byte[] buf, int off, int len) throws IOException {
        checkWritable();
        checkRange(offset, len);
        int clusterSize = state.clusterSize;
        if ((offset & (clusterSize - 1)) != 0 || len != Math.min(clusterSize, capacityBytes() - offset)) {
            throw new IllegalArgumentException("compressed writes cover exactly one aligned cluster");
        }
        byte[] cluster = new byte[clusterSize];
        System.arraycopy(buf, off, cluster, 0, len);
        io.writeCompressed(offset >> state.clusterBits, cluster);
    }

    /** Makes the range read as zeroes: whole clusters become zero clusters (v3) and are freed. */
    public void writeZeroes(long offset, long len) throws IOException {
        checkWritable();
        checkRange(offset, len);
        io.zero(offset, len);
    }

    /**
     * Discards the range: it reads as zeroes afterwards (v3; on v2 without a backing file too;
     * on v2 with a backing file, zeroes are written) and whole host clusters are freed.
     */
    public void discard(long offset, long len) throws IOException {
        writeZeroes(offset, len);
    }

    /** Makes every completed write durable (under either {@link WriteOrdering}). */
    public void flush() throws IOException {
        if (state.file.writable()) {
            state.l2Cache.writeDirty();
            state.refcounts.writeDirtyBlocks();
            state.file.force();
        }
    }

    /**
     * Grows the virtual disk to {@code newCapacityBytes} (rounded up to 512), relocating the L1
     * table when needed.
     *
     * @throws Qcow2UnsupportedException when asked to shrink
     */
    public void resize(long newCapacityBytes) throws IOException {
        checkWritable();
        long rounded = (newCapacityBytes + 511) & ~511L;
        long current = capacityBytes();
        if (rounded < current) {
            throw new Qcow2UnsupportedException("shrinking from " + current + " to " + rounded + " bytes is not supported");
        }
        if (rounded == current) {
            return;
        }
        long required = map.requiredL1Size(rounded);
        if (required > HeaderCodec.MAX_L1_ENTRIES) {
            throw new Qcow2UnsupportedException("virtual size " + rounded + " needs an L1 table larger than 32 MiB");
        }
        if (required > state.l1.length) {
            map.replaceActiveL1(java.util.Arrays.copyOf(state.l1, (int) required), rounded);
        } else {
            state.writeHeader(state.header().withSize(rounded));
        }
    }

    /** Internal snapshots in table order. */
    public List<Qcow2Snapshot> snapshots() {
        List<Qcow2Snapshot> result = new ArrayList<>();
        for (SnapshotEntry entry : snapshots.entries()) {
            result.add(toSnapshot(entry));
        }
        return result;
    }

    private Qcow2Snapshot toSnapshot(SnapshotEntry entry) {
        long disk = entry.diskSizeBytes() >= 0 ? entry.diskSizeBytes() : capacityBytes();
        return new Qcow2Snapshot(entry.id(), entry.name(), Instant.ofEpochSecond(entry.dateSec(), entry.dateNsec()),
                entry.vmClockNsec(), entry.vmStateSizeBytes(), disk, entry.icount());
    }

    /**
     * Takes an internal snapshot of the active state (disk only, icount 0 as qemu-img writes).
     *
     * @param id the ID, or "" for the next numeric ID
     * @param name the name (may repeat)
     * @throws Qcow2UnsupportedException when a refcount would overflow (1- or 2-bit refcounts)
     *     or the image has 65536 snapshots; nothing is changed then
     */
    public Qcow2Snapshot createSnapshot(String id, String name) throws IOException {
        Instant now = Instant.now();
        // qemu-img stores microseconds times 1000 in date_nsec.
        return createSnapshot(id, name, Instant.ofEpochSecond(now.getEpochSecond(), now.getNano() / 1000 * 1000L));
    }

    /**
     * Takes an internal snapshot dated {@code createdAt} (as {@link #createSnapshot(String, String)}), so that
     * an applied delta can recreate a snapshot with its {@link Qcow2Identity}.
     *
     * @throws IllegalArgumentException when the time does not fit the table's unsigned 32-bit seconds
     */
    public Qcow2Snapshot createSnapshot(String id, String name, Instant createdAt) throws IOException {
        checkWritable();
        if (createdAt.getEpochSecond() < 0 || createdAt.getEpochSecond() > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("creation time " + createdAt + " does not fit the snapshot table");
        }
        SnapshotEntry[] created = new SnapshotEntry[1];
        underDirtyBit(() -> created[0] = snapshots.create(id, name, createdAt));
        return toSnapshot(created[0]);
    }

    /** Reverts the active state to a snapshot (ID first, then name); the snapshot remains. */
    public void applySnapshot(String idOrName) throws IOException {
        checkWritable();
        snapshots.lookup(idOrName);
        underDirtyBit(() -> snapshots.apply(idOrName));
    }

    /** Deletes a snapshot (ID first, then name) and frees the clusters only it used. */
    public void deleteSnapshot(String idOrName) throws IOException {
        checkWritable();
        snapshots.lookup(idOrName);
        underDirtyBit(() -> snapshots.delete(idOrName));
    }

    private interface MetadataOperation {
        void run() throws IOException;
    }

    /**
     * Runs a multi-step metadata operation (snapshot walks change refcounts and COPIED flags in
     * separate writes) with the dirty bit set durably around it: a crash in between leaves an
     * image whose next writable open rebuilds refcounts and COPIED flags (qcow2.txt, dirty
     * bit), instead of COPIED mismatches. An operation refused before any change (for example
     * a refcount overflow) clears the bit again; other failures leave it set on purpose.
     */
    private void underDirtyBit(MetadataOperation operation) throws IOException {
        Qcow2Header before = state.header();
        state.writeHeader(before.withFeatures(before.incompatibleFeatures() | Features.INCOMPAT_DIRTY,
                before.compatibleFeatures(), before.autoclearFeatures()));
        try {
            operation.run();
        } catch (Qcow2UnsupportedException | Qcow2NotFoundException | IllegalArgumentException refused) {
            clearIncompatible(Features.INCOMPAT_DIRTY);
            throw refused;
        }
        // Everything the operation changed is durable before the bit goes.
        state.refcounts.commit();
        clearIncompatible(Features.INCOMPAT_DIRTY);
    }

    /**
     * A reader of a snapshot's content (ID first, then name), without applying it. Valid until
     * the next modification of this image.
     */
    public SnapshotReader snapshotReader(String idOrName) throws IOException {
        SnapshotEntry entry = snapshots.lookup(idOrName);
        long[] l1 = snapshots.readL1(entry);
        return new SnapshotReader(toSnapshot(entry), (offset, buf, off, len) -> io.read(l1, offset, buf, off, len));
    }

    /**
     * Reports where one state of this image differs from another by comparing their L1/L2 mappings,
     * never reading guest data: clusters mapping the same host cluster with the same flags are skipped,
     * and L2 tables both states share are not even read. Ranges are clipped to the target's virtual size.
     *
     * @param fromIdOrName the base snapshot (ID first, then name), or {@code null} for a full image: a
     *     base that reads as zeroes everywhere
     * @param toIdOrName the target snapshot, or {@code null} for the active state
     * @throws Qcow2NotFoundException when a snapshot does not exist
     */
    public void changedRanges(String fromIdOrName, String toIdOrName, ChangedRanges out) throws IOException {
        long[] toL1 = state.l1.clone();
        long capacity = capacityBytes();
        if (toIdOrName != null) {
            SnapshotEntry to = snapshots.lookup(toIdOrName);
            toL1 = snapshots.readL1(to);
            capacity = toSnapshot(to).diskSizeBytes();
        }
        long[] fromL1 = fromIdOrName == null ? null : snapshots.readL1(snapshots.lookup(fromIdOrName));
        new SnapshotDiff(state, map).diff(fromL1, toL1, capacity, out);
    }

    /**
     * The guest ranges this image itself holds in its active state (data or zero clusters), as opposed to
     * ranges that read through to the backing file: what an overlay changed over its backing. Reads the L2
     * tables only, never guest data. Zero clusters are reported with {@code readsZero}.
     */
    public void ownRanges(ChangedRanges out) throws IOException {
        long capacity = capacityBytes();
        long clusterSize = clusterSize();
        long start = -1;
        boolean startZero = false;
        for (long offset = 0; offset < capacity; offset += clusterSize) {
            dev.cairn.qcow2.format.ClusterType type = clusterType(offset);
            boolean held = type != dev.cairn.qcow2.format.ClusterType.UNALLOCATED;
            boolean zero = type == dev.cairn.qcow2.format.ClusterType.ZERO_PLAIN
                    || type == dev.cairn.qcow2.format.ClusterType.ZERO_ALLOC;
            if (start >= 0 && (!held || zero != startZero)) {
                out.range(start, offset - start, startZero);
                start = -1;
            }
            if (held && start < 0) {
                start = offset;
                startZero = zero;
            }
        }
        if (start >= 0) {
            out.range(start, capacity - start, startZero);
        }
    }

    /** The raw active L2 entry of the cluster holding a guest offset (package use: map). */
    long activeEntry(long guestOffset) throws IOException {
        return map.activeEntry(guestOffset >> state.clusterBits);
    }

    /** The opened backing layer, or null (package use: map). */
    BackingLayer backingLayer() {
        return state.backing;
    }

    /** What the active L1 maps at a guest offset (package use: commit, rebase, convert). */
    dev.cairn.qcow2.format.ClusterType clusterType(long guestOffset) throws IOException {
        return dev.cairn.qcow2.format.L2Entry.type(map.activeEntry(guestOffset >> state.clusterBits));
    }

    /** Makes whole clusters of the range unallocated again (they read from the backing file). */
    void unmap(long offset, long len) throws IOException {
        checkWritable();
        checkRange(offset, len);
        io.unmap(offset, len);
    }

    /** Rewrites the backing file name and format in the header; content is not touched. */
    void changeBackingFile(String backingFileName, String backingFormat) throws IOException {
        checkWritable();
        state.writeHeader(state.header().withBacking(backingFileName, backingFormat));
    }

    /** Checks consistency without changing anything (qemu-img check). */
    public CheckResult check() throws IOException {
        return checker.check();
    }

    /**
     * Repairs the image (qemu-img check -r leaks|all) and reports the state afterwards. A
     * successful ALL repair clears the corrupt bit.
     */
    public CheckResult repair(RepairMode mode) throws IOException {
        checkWritable();
        CheckResult result = checker.repair(mode);
        if (mode == RepairMode.ALL && result.corruptions() == 0) {
            clearIncompatible(Features.INCOMPAT_CORRUPT | Features.INCOMPAT_DIRTY);
        }
        return result;
    }

    /** Flushes (when writable) and closes the image and its backing chain. */
    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            try {
                if (state.backing != null) {
                    state.backing.close();
                }
            } finally {
                state.file.close();
            }
        }
    }

    private void checkWritable() {
        if (!state.file.writable()) {
            throw new IllegalStateException(path() + " is open read-only");
        }
    }

    private void checkRange(long offset, long len) {
        if (offset < 0 || len < 0 || offset + len > capacityBytes() || offset + len < 0) {
            throw new IllegalArgumentException("range " + offset + "+" + len + " outside the virtual disk of "
                    + capacityBytes() + " bytes");
        }
    }
}
