package dev.cairn.pool.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Seeded random operations against a byte-array model of every device: contents, diffs and
 * {@code check} must agree after every few steps, across reopen, and deleting everything returns
 * allocation to the baseline.
 */
class ChunkStoreModelTest {

    static final int CHUNK = 4096;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}, cache {1} bytes, fanout {2}")
    @CsvSource({
        "1, 67108864, 254",
        "2, 67108864, 6",
        "3, 65536, 6",
        "4, 65536, 4",
    })
    void randomOperationsMatchTheModelAndFreeEverythingAtTheEnd(long seed, long cacheBytes, int fanout) {
        ChunkStoreOptions options = ChunkStoreOptions.withCapacity(4096L * CHUNK)
                .withNodeBlockCount(16384).withNodeCacheBytes(cacheBytes).withNodeFanout(fanout)
                .withAutoCommitInterval(Duration.ZERO).withSyncOnCommit(false)
                .withMappedSegmentBytes(1 << 20); // reads through mappings as well as positional reads
        RandomWorkload workload = new RandomWorkload(new Random(seed), CHUNK);
        DeviceModel model = new DeviceModel();
        ChunkStore store = ChunkStore.create(dir, CHUNK, options);
        try {
            for (int step = 0; step < 600; step++) {
                workload.step(store, model);
                if (step % 10 == 9) {
                    model.assertMatches(store);
                    assertDiffsAgree(store, model, workload.random());
                    assertThat(store.check().problems()).isEmpty();
                }
                if (step % 200 == 199) {
                    store.close();
                    store = ChunkStore.open(dir, options);
                    model.assertMatches(store);
                }
            }
            for (long id : toList(model.ids())) {
                store.deleteDevice(id);
                model.delete(id);
            }
            assertThat(store.storeAllocatedBytes()).isZero();
            assertThat(store.metadataAllocatedBlocks()).isZero();
            assertThat(store.check().clean()).isTrue();
        } finally {
            store.close();
        }
        try (ChunkStore reopened = ChunkStore.open(dir, options)) {
            assertThat(reopened.storeAllocatedBytes()).isZero();
            assertThat(reopened.check().clean()).isTrue();
        }
    }

    /** Every chunk whose bytes differ is reported; every chunk reported unmapped reads zero in the second device. */
    static void assertDiffsAgree(ChunkStore store, DeviceModel model, Random random) {
        if (model.size() < 2) {
            return;
        }
        long a = model.idAt(random.nextInt(model.size()));
        long b = model.idAt(random.nextInt(model.size()));
        byte[] from = model.bytes(a);
        byte[] to = model.bytes(b);
        boolean[] reported = new boolean[(to.length + CHUNK - 1) / CHUNK];
        store.diff(a, b, (offset, length, kind) -> {
            assertThat(offset + length).isLessThanOrEqualTo(to.length);
            for (long position = offset; position < offset + length; position += CHUNK) {
                reported[(int) (position / CHUNK)] = true;
                if (kind == DiffKind.UNMAPPED) {
                    int end = (int) Math.min(to.length, position + CHUNK);
                    assertThat(isZero(to, (int) position, end)).as("unmapped chunk reads zero").isTrue();
                }
            }
        });
        for (int chunk = 0; chunk < reported.length; chunk++) {
            int start = chunk * CHUNK;
            int end = Math.min(to.length, start + CHUNK);
            byte[] theirs = start < from.length ? Arrays.copyOfRange(from, start, Math.min(end, from.length)) : new byte[0];
            byte[] ours = Arrays.copyOfRange(to, start, end);
            boolean same = Arrays.equals(Arrays.copyOf(theirs, ours.length), ours);
            if (!same) {
                assertThat(reported[chunk]).as("diff %d -> %d reports chunk %d", a, b, chunk).isTrue();
            }
        }
    }

    static boolean isZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    static <T> List<T> toList(Iterable<T> items) {
        List<T> list = new ArrayList<>();
        items.forEach(list::add);
        return list;
    }
}
