package dev.cairn.e2e;

import static dev.cairn.api.StorageVolSnapshot.DELETE_CHILDREN;
import static dev.cairn.api.StorageVolSnapshot.DELETE_CHILDREN_ONLY;
import static dev.cairn.api.StorageVolSnapshot.DELETE_METADATA_ONLY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.CairnException;
import dev.cairn.api.Connect;
import dev.cairn.api.PoolCreateRequest;
import dev.cairn.api.PoolInfo;
import dev.cairn.api.SnapshotInfo;
import dev.cairn.api.StoragePool;
import dev.cairn.api.StorageVol;
import dev.cairn.api.StorageVolSnapshot;
import dev.cairn.api.VolumeInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SDK against the real service: pool, volume and content lifecycles on dir and chunk pools, and the
 * snapshot tree on a chunk pool, each checked through the SDK only.
 *
 * <p>Every pool a test makes is purged after it: the shared service outlives the temporary directories.
 * Listing all pools is checked in {@link SdkConnectTest} on a service of its own, because the shared
 * service may hold other suites' pools whose directories are gone.
 */
class SdkContractTest {
    private static final int MIB = 1 << 20;
    private static int pools;
    private final List<StoragePool> made = new ArrayList<>();
    private Connect connect;

    @BeforeEach
    void connect() {
        connect = new Connect(SharedService.get().baseUri());
    }

    @AfterEach
    void purgeAndClose() {
        for (StoragePool pool : made) {
            try {
                // Volumes with snapshots go first: purging a pool that holds them fails (INTERNAL) today.
                for (StorageVol volume : pool.listAllVolumes()) {
                    volume.delete(StorageVol.DELETE_WITH_SNAPSHOTS);
                }
                pool.undefine(StoragePool.UNDEFINE_PURGE);
            } catch (CairnException gone) {
                assertThat(gone.getCode()).isEqualTo("NO_STORAGE_POOL");
            }
        }
        connect.close();
    }

    @Test
    void dirPoolAndRawVolumeLiveAndDieThroughTheSdk(@TempDir Path dir) {
        String name = "sdkdir" + ++pools;
        StoragePool pool = made(connect.storagePoolCreate(name, "dir", dir.resolve(name).toString()));
        assertThat(connect.storagePoolLookupByName(name)).isEqualTo(pool);
        PoolInfo info = pool.getInfo();
        assertThat(info.type()).isEqualTo("dir");
        assertThat(info.state()).isEqualTo(PoolInfo.RUNNING);

        StorageVol vm = pool.storageVolCreate("vm", 4 * MIB, "raw");
        assertThat(pool.listVolumes()).containsExactly("vm");
        assertThat(pool.storageVolLookupByName("vm")).isEqualTo(vm);
        VolumeInfo volume = vm.getInfo();
        assertThat(volume.capacity()).isEqualTo(4 * MIB);
        assertThat(volume.format()).isEqualTo("raw");
        assertThat(volume.allocation()).isZero();

        vm.resize(8 * MIB);
        assertThat(vm.getInfo().capacity()).isEqualTo(8 * MIB);
        assertCode("OPERATION_INVALID", () -> vm.resize(2 * MIB));
        vm.resize(2 * MIB, StorageVol.RESIZE_SHRINK);
        assertThat(vm.getInfo().capacity()).isEqualTo(2 * MIB);
        assertCode("NAME_TAKEN", () -> pool.storageVolCreate("vm", MIB, "raw"));

        pool.stop();
        assertThat(pool.getInfo().state()).isEqualTo(PoolInfo.INACTIVE);
        pool.start();
        assertThat(pool.refresh().vanished()).isEmpty();
        assertCode("HAS_VOLUMES", pool::undefine);
        vm.delete(0);
        assertCode("NO_STORAGE_VOL", vm::getInfo);
        assertCode("NO_STORAGE_VOL", () -> pool.storageVolLookupByName("vm"));
        pool.undefine();
        assertCode("NO_STORAGE_POOL", () -> connect.storagePoolLookupByName(name));
    }

    @Test
    void contentGoesUpAndComesBackAtAnyOffsetAndLength() throws IOException {
        StoragePool pool = connect.storagePoolLookupByName("default");
        StorageVol vm = pool.storageVolCreate("sdk-content", 4 * MIB, "raw");
        byte[] data = VolumeApiTest.random(MIB + 123, 5);
        vm.upload(new ByteArrayInputStream(data), MIB, data.length);
        assertThat(read(vm.download(MIB, data.length))).isEqualTo(data);
        assertThat(read(vm.download(MIB + 100, 50))).isEqualTo(Arrays.copyOfRange(data, 100, 150));
        byte[] tail = read(vm.download(MIB, 0));
        assertThat(tail).hasSize(3 * MIB);
        assertThat(Arrays.copyOf(tail, data.length)).isEqualTo(data);
        assertThat(read(vm.download(0, 0))).hasSize(4 * MIB).startsWith(new byte[MIB]);
        assertThat(read(vm.download(4 * MIB - 10, 100))).hasSize(10);
        assertCode("RANGE_NOT_SATISFIABLE", () -> vm.download(4 * MIB, 1));
        assertCode("INVALID_ARGUMENT", () -> vm.upload(new ByteArrayInputStream(data), 4 * MIB - 1, data.length));
        assertCode("INVALID_ARGUMENT", () -> vm.upload(new ByteArrayInputStream(new byte[10]), 0, 20));
        assertThat(read(vm.download(0, 20))).isEqualTo(new byte[20]);
        vm.delete(0);
    }

    @Test
    void manyMebibytesStreamBothWays(@TempDir Path dir) throws Exception {
        StorageVol vm = chunkPool(dir).storageVolCreate("big", 40 * MIB, "raw");
        long length = 32L * MIB;
        vm.upload(new PatternStream(length, 9), 4 * MIB, length);
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        try (InputStream pattern = new PatternStream(length, 9)) {
            sent.update(pattern.readAllBytes());
        }
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        long count = 0;
        try (InputStream in = vm.download(4 * MIB, length)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; count += n) {
                received.update(buffer, 0, n);
            }
        }
        assertThat(count).isEqualTo(length);
        assertThat(received.digest()).isEqualTo(sent.digest());
        assertCode("INVALID_ARGUMENT", () -> vm.upload(new PatternStream(length, 1), 16 * MIB, length));
    }

    @Test
    void chunkPoolVolumesCarrySnapshotsAndGoOnlyWithThem(@TempDir Path dir) throws IOException {
        StoragePool pool = chunkPool(dir);
        assertThat(pool.getInfo().type()).isEqualTo("chunk");
        StorageVol vm = pool.storageVolCreate("vm", 4 * MIB, null);
        assertThat(vm.getInfo().format()).isEqualTo("raw");
        byte[] data = VolumeApiTest.random(MIB, 7);
        vm.upload(new ByteArrayInputStream(data), 0, data.length);
        assertThat(vm.getInfo().allocation()).isEqualTo(MIB);
        assertThat(vm.hasCurrentSnapshot()).isFalse();
        assertCode("NO_SNAPSHOT", vm::snapshotCurrent);
        StorageVolSnapshot keep = vm.snapshotCreate("keep", "kept with the volume");
        assertThat(keep.getInfo().description()).isEqualTo("kept with the volume");
        assertThat(vm.hasCurrentSnapshot()).isTrue();
        StorageVolSnapshot generated = vm.snapshotCreate(null);
        assertThat(generated.getName()).startsWith("snap-");
        assertThat(read(keep.download(0, MIB))).isEqualTo(data);

        assertCode("HAS_SNAPSHOTS", () -> vm.delete(0));
        assertCode("HAS_VOLUMES", pool::undefine);
        vm.delete(StorageVol.DELETE_WITH_SNAPSHOTS);
        assertCode("NO_STORAGE_VOL", keep::getInfo);
        assertCode("NO_STORAGE_VOL", () -> vm.snapshotLookupByName("keep"));
        assertThat(pool.listVolumes()).isEmpty();
        pool.storageVolCreate("left-behind", MIB, null);
        pool.undefine(StoragePool.UNDEFINE_PURGE);
        assertCode("NO_STORAGE_POOL", pool::getInfo);
        assertThat(dir.resolve(pool.getName())).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunk", "qcow2"})
    void revertingAndWritingMakesABranchedTree(String engine, @TempDir Path dir) throws IOException {
        StorageVol vm = snapshotVolume(engine, dir);
        byte[] a = write(vm, 1);
        StorageVolSnapshot snapA = vm.snapshotCreate("A", "first");
        byte[] b = write(vm, 2);
        StorageVolSnapshot snapB = vm.snapshotCreate("B");
        vm.revertToSnapshot(snapA);
        assertThat(snapA.isCurrent()).isTrue();
        assertThat(read(vm.download(MIB, MIB))).isEqualTo(a);
        byte[] c = write(vm, 3);
        StorageVolSnapshot snapC = vm.snapshotCreate("C");

        assertThat(snapA.listChildrenNames()).containsExactly("B", "C");
        assertThat(snapA.getParent()).isNull();
        assertThat(snapA.findParent()).isEmpty();
        assertThat(snapC.getParent()).isEqualTo(snapA);
        assertThat(snapB.getParent()).isEqualTo(snapA);
        assertThat(snapC.isCurrent()).isTrue();
        assertThat(snapB.isCurrent()).isFalse();
        assertThat(vm.snapshotCurrent()).isEqualTo(snapC);
        assertThat(vm.getInfo().currentSnapshot()).isEqualTo("C");
        assertThat(vm.snapshotListNames()).containsExactly("A", "B", "C");
        assertThat(vm.listAllSnapshots(0)).containsExactly(snapA, snapB, snapC);
        assertThat(vm.listAllSnapshots(StorageVol.LIST_ROOTS)).containsExactly(snapA);
        assertThat(vm.listAllSnapshots(StorageVol.LIST_LEAVES)).containsExactly(snapB, snapC);
        assertThat(vm.listAllSnapshots(StorageVol.LIST_ROOTS | StorageVol.LIST_LEAVES)).isEmpty();
        assertThat(snapA.listAllChildren(0)).containsExactly(snapB, snapC);
        assertThat(snapA.listAllChildren(StorageVolSnapshot.LIST_DESCENDANTS)).containsExactly(snapB, snapC);
        assertThat(vm.snapshotLookupByName("B")).isEqualTo(snapB);
        SnapshotInfo info = snapA.getInfo();
        assertThat(info.description()).isEqualTo("first");
        assertThat(info.volume()).isEqualTo("vm");
        assertThat(read(snapA.download(MIB, MIB))).isEqualTo(a);
        assertThat(read(snapB.download(MIB, MIB))).isEqualTo(b);
        assertThat(read(snapC.download(MIB, MIB))).isEqualTo(c);

        vm.revertToSnapshot(snapB);
        assertThat(read(vm.download(MIB, MIB))).isEqualTo(b);
        assertThat(vm.snapshotCurrent()).isEqualTo(snapB);
        assertCode("NAME_TAKEN", () -> vm.snapshotCreate("A"));
        assertCode("INVALID_ARGUMENT", () -> vm.snapshotCreate("current"));
        assertCode("NO_SNAPSHOT", () -> vm.snapshotLookupByName("current"));
        assertCode("NO_SNAPSHOT", () -> vm.snapshotLookupByName("never"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunk", "qcow2"})
    void deleteRebasesChildrenByDefaultAndTheirContentStays(String engine, @TempDir Path dir) throws IOException {
        StorageVol vm = snapshotVolume(engine, dir);
        StorageVolSnapshot[] chain = chain(vm);
        byte[] c = read(chain[2].download(MIB, MIB));
        chain[1].delete(0);
        assertThat(chain[2].getParent()).isEqualTo(chain[0]);
        assertThat(chain[0].listChildrenNames()).containsExactly("C");
        assertThat(chain[2].isCurrent()).isTrue();
        assertThat(read(chain[2].download(MIB, MIB))).isEqualTo(c);
        assertCode("NO_SNAPSHOT", chain[1]::getInfo);
        assertCode("NO_SNAPSHOT", () -> vm.snapshotLookupByName("B"));
        assertCode("NO_SNAPSHOT", () -> chain[1].download(0, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunk", "qcow2"})
    void deleteWithChildrenRemovesTheSubtreeAndTheParentBecomesCurrent(String engine, @TempDir Path dir) {
        StorageVol vm = snapshotVolume(engine, dir);
        StorageVolSnapshot[] chain = chain(vm);
        chain[1].delete(DELETE_CHILDREN);
        assertThat(vm.snapshotListNames()).containsExactly("A");
        assertThat(vm.snapshotCurrent()).isEqualTo(chain[0]);
        assertCode("NO_SNAPSHOT", () -> vm.snapshotLookupByName("B"));
        assertCode("NO_SNAPSHOT", () -> vm.snapshotLookupByName("C"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunk", "qcow2"})
    void deleteChildrenOnlyKeepsTheSnapshotAndMakesItCurrent(String engine, @TempDir Path dir) {
        StorageVol vm = snapshotVolume(engine, dir);
        StorageVolSnapshot[] chain = chain(vm);
        chain[0].delete(DELETE_CHILDREN_ONLY);
        assertThat(vm.snapshotListNames()).containsExactly("A");
        assertThat(chain[0].isCurrent()).isTrue();
        assertThat(chain[0].listChildrenNames()).isEmpty();
        assertCode("NO_SNAPSHOT", chain[2]::isCurrent);
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunk", "qcow2"})
    void deleteMetadataOnlyForgetsAndLeavesNoCurrentSnapshot(String engine, @TempDir Path dir) {
        StorageVol vm = snapshotVolume(engine, dir);
        StorageVolSnapshot only = vm.snapshotCreate("only-one");
        only.delete(DELETE_METADATA_ONLY);
        assertThat(vm.hasCurrentSnapshot()).isFalse();
        assertThat(vm.getInfo().snapshotCount()).isZero();
        assertCode("NO_SNAPSHOT", vm::snapshotCurrent);
        assertCode("NO_SNAPSHOT", () -> vm.snapshotLookupByName("only-one"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunk", "qcow2"})
    void deleteChildrenTogetherWithChildrenOnlyIsRefusedBeforeAnythingChanges(String engine, @TempDir Path dir) {
        StorageVol vm = snapshotVolume(engine, dir);
        StorageVolSnapshot[] chain = chain(vm);
        assertCode("INVALID_ARGUMENT", () -> chain[0].delete(DELETE_CHILDREN | DELETE_CHILDREN_ONLY));
        assertCode("INVALID_ARGUMENT", () -> chain[0].delete(8));
        assertThat(vm.snapshotListNames()).containsExactly("A", "B", "C");
    }

    @Test
    void revertingToASnapshotOfAnotherVolumeIsRefused(@TempDir Path dir) {
        StoragePool pool = chunkPool(dir);
        StorageVol one = pool.storageVolCreate("one", MIB, "raw");
        StorageVol two = pool.storageVolCreate("two", MIB, "raw");
        StorageVolSnapshot ofOne = one.snapshotCreate("of-one");
        assertCode("INVALID_ARGUMENT", () -> two.revertToSnapshot(ofOne));
        assertCode("NO_SNAPSHOT", () -> two.snapshotLookupByName("of-one"));
    }

    @Test
    void namesTheServiceCannotHaveAreNotFoundOrInvalidAndNeverReachAnotherResource() {
        StoragePool pool = connect.storagePoolLookupByName("default");
        assertCode("NO_STORAGE_POOL", () -> connect.storagePoolLookupByName("no-such-pool"));
        assertCode("NO_STORAGE_VOL", () -> pool.storageVolLookupByName("no-such-volume"));
        for (String odd : new String[] {"a b", "é", "x?y=1", "x#y", "%2e%2e", "a/b", "..", "", "a\\b"}) {
            assertThatThrownBy(() -> pool.storageVolLookupByName(odd)).as(odd).isInstanceOf(CairnException.class)
                    .extracting(e -> ((CairnException) e).getCode()).isIn("NO_STORAGE_VOL", "INVALID_ARGUMENT");
        }
        assertCode("INVALID_ARGUMENT", () -> pool.storageVolCreate("../up", MIB, "raw"));
        assertCode("INVALID_ARGUMENT", () -> pool.storageVolCreate("ok", 0, "raw"));
    }

    @Test
    void rawVolumesOfDirPoolsTakeExternalSnapshotsAndBecomeQcow2(@TempDir Path dir) throws IOException {
        StorageVol vm = dirPool(dir).storageVolCreate("raw-vm", MIB, "raw");
        byte[] data = VolumeApiTest.random(MIB, 31);
        vm.upload(new ByteArrayInputStream(data), 0, data.length);
        StorageVolSnapshot frozen = vm.snapshotCreate("raw-frozen");
        assertThat(vm.getInfo().format()).isEqualTo("qcow2");
        vm.upload(new ByteArrayInputStream(new byte[4096]), 0, 4096);
        assertThat(read(frozen.download(0, 0))).isEqualTo(data);
        vm.revertToSnapshot(frozen);
        assertThat(read(vm.download(0, 0))).isEqualTo(data);
        assertCode("HAS_SNAPSHOTS", () -> vm.delete(0));
        vm.delete(StorageVol.DELETE_WITH_SNAPSHOTS);
    }

    @Test
    void clonesOutliveTheirOriginOnBothEnginesAndIntoAnotherPool(@TempDir Path dir) throws IOException {
        StoragePool chunk = chunkPool(dir);
        StoragePool files = dirPool(dir);
        byte[] data = VolumeApiTest.random(MIB, 21);
        for (StorageVol vm : List.of(chunk.storageVolCreate("vm", 2 * MIB, null),
                files.storageVolCreate("vm-q", 2 * MIB, "qcow2"))) {
            vm.upload(new ByteArrayInputStream(data), 0, data.length);
            StorageVolSnapshot golden = vm.snapshotCreate("golden-" + vm.getName());
            StorageVol clone = golden.cloneTo("clone-of-" + vm.getName());
            StorageVol copy = golden.cloneTo("copy-of-" + vm.getName(), vm.getPool().getName().equals(chunk.getName()) ? files : chunk);
            assertCode("NAME_TAKEN", () -> golden.cloneTo(clone.getName()));
            vm.delete(StorageVol.DELETE_WITH_SNAPSHOTS);
            assertThat(read(clone.download(0, MIB))).isEqualTo(data);
            assertThat(read(copy.download(0, MIB))).isEqualTo(data);
            assertThat(clone.getInfo().capacity()).isEqualTo(2 * MIB);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunk", "qcow2"})
    void mergeFoldsASnapshotIntoItsVolume(String engine, @TempDir Path dir) throws IOException {
        StorageVol vm = snapshotVolume(engine, dir);
        StorageVolSnapshot[] abc = chain(vm);
        byte[] b = read(abc[1].download(0, 0));
        abc[1].merge();
        assertThat(read(vm.download(0, 0))).isEqualTo(b);
        assertThat(vm.snapshotListNames()).containsExactly(abc[0].getName(), abc[2].getName());
        assertThat(abc[2].getParent()).isEqualTo(abc[0]);
        assertThat(vm.snapshotCurrent()).isEqualTo(abc[0]);
        assertCode("NO_SNAPSHOT", abc[1]::merge);
    }

    @Test
    void deltasRoundTripBetweenEnginesThroughTheSdk(@TempDir Path dir) throws IOException {
        StorageVol source = chunkPool(dir).storageVolCreate("vm", 4 * MIB, null);
        StorageVolSnapshot[] abc = chain(source);
        StorageVol copy = dirPool(dir).storageVolCreate("vm-copy", 4 * MIB, "qcow2");
        StorageVolSnapshot previous = null;
        for (StorageVolSnapshot snapshot : abc) {
            java.io.ByteArrayOutputStream delta = new java.io.ByteArrayOutputStream();
            assertThat(snapshot.exportDelta(previous, delta)).isEqualTo(delta.size());
            copy.applyDelta(new ByteArrayInputStream(delta.toByteArray()));
            previous = snapshot;
        }
        assertThat(copy.snapshotListNames()).containsExactly("A", "B", "C");
        for (StorageVolSnapshot snapshot : abc) {
            StorageVolSnapshot arrived = copy.snapshotLookupByName(snapshot.getName());
            assertThat(arrived.getInfo().uuid()).isEqualTo(snapshot.getInfo().uuid());
            assertThat(read(arrived.download(0, 0))).isEqualTo(read(snapshot.download(0, 0)));
        }
        assertThat(copy.snapshotCurrent().getName()).isEqualTo("C");
        byte[] broken = new byte[] {1, 2, 3};
        assertCode("INVALID_DELTA", () -> copy.applyDelta(new ByteArrayInputStream(broken)));
        assertCode("INVALID_ARGUMENT", () -> abc[1].exportDelta(copy.snapshotLookupByName("A"), OutputStream.nullOutputStream()));
    }

    @Test
    void oneConnectServesManyThreads(@TempDir Path dir) throws Exception {
        StoragePool pool = chunkPool(dir);
        Thread[] writers = new Thread[4];
        Throwable[] failures = new Throwable[writers.length];
        for (int i = 0; i < writers.length; i++) {
            int n = i;
            writers[i] = new Thread(() -> {
                try {
                    StorageVol vm = pool.storageVolCreate("t" + n, MIB, "raw");
                    byte[] data = VolumeApiTest.random(256 * 1024, n);
                    vm.upload(new ByteArrayInputStream(data), 0, data.length);
                    vm.snapshotCreate("t" + n + "-s");
                    assertThat(read(vm.download(0, data.length))).isEqualTo(data);
                } catch (Throwable t) {
                    failures[n] = t;
                }
            });
            writers[i].start();
        }
        for (Thread writer : writers) {
            writer.join();
        }
        assertThat(failures).containsOnlyNulls();
        assertThat(pool.listVolumes()).containsExactlyInAnyOrder("t0", "t1", "t2", "t3");
    }

    private StoragePool chunkPool(Path dir) {
        String name = "sdkchunk" + ++pools;
        return made(connect.storagePoolCreate(new PoolCreateRequest(name, "chunk", dir.resolve(name).toString(),
                256L * MIB, null)));
    }

    /** A 4 MiB volume "vm" that takes snapshots: in a chunk pool, or qcow2 in a dir pool. */
    private StorageVol snapshotVolume(String engine, Path dir) {
        if (engine.equals("chunk")) {
            return chunkPool(dir).storageVolCreate("vm", 4 * MIB, "raw");
        }
        return dirPool(dir).storageVolCreate("vm", 4 * MIB, "qcow2");
    }

    private StoragePool dirPool(Path dir) {
        String name = "sdkdir" + ++pools;
        return made(connect.storagePoolCreate(new PoolCreateRequest(name, "dir", dir.resolve(name).toString(), null,
                null)));
    }

    private StoragePool made(StoragePool pool) {
        made.add(pool);
        return pool;
    }

    /** Snapshots A, B, C, each on top of the last, with different content at 1 MiB. */
    private static StorageVolSnapshot[] chain(StorageVol vm) {
        StorageVolSnapshot[] chain = new StorageVolSnapshot[3];
        for (int i = 0; i < chain.length; i++) {
            write(vm, i + 1);
            chain[i] = vm.snapshotCreate(String.valueOf((char) ('A' + i)));
        }
        return chain;
    }

    private static byte[] write(StorageVol vm, int seed) {
        byte[] data = VolumeApiTest.random(MIB, seed);
        vm.upload(new ByteArrayInputStream(data), MIB, data.length);
        return data;
    }

    /** {@code length} pseudo-random bytes made as they are read (each from its position), never held whole. */
    private static final class PatternStream extends InputStream {
        private final long seed;
        private final long length;
        private long position;

        PatternStream(long length, long seed) {
            this.seed = seed;
            this.length = length;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) {
            if (position == length) {
                return -1;
            }
            int n = (int) Math.min(count, length - position);
            for (int i = 0; i < n; i++, position++) {
                long word = mix(seed * 0x9E3779B97F4A7C15L + (position >>> 3));
                buffer[offset + i] = (byte) (word >>> ((position & 7) * 8));
            }
            return n;
        }

        /** SplitMix64's finaliser: neighbouring inputs give unrelated outputs. */
        private static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }

    static byte[] read(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertCode(String code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(CairnException.class)
                .extracting(e -> ((CairnException) e).getCode()).isEqualTo(code);
    }
}
