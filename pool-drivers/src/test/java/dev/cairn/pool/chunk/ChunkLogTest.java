package dev.cairn.pool.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The intent log under a full slot: buffered records, reads over both the file and the buffer, the commit it forces. */
class ChunkLogTest {

    static final int CHUNK = 4096;
    static final int HALF = CHUNK / 2;
    /** 64 MiB of chunks: two half-chunk writes into each log more than one slot holds. */
    static final int CHUNKS = (int) (ChunkLog.SLOT_BYTES / CHUNK);

    @TempDir
    Path dir;

    @Test
    void aFullLogCommitsInsteadOfCopyingChunksAndReopensWithEveryWrite() {
        ChunkStoreOptions options = ChunkStoreOptions.withCapacity((CHUNKS + 64L) * CHUNK)
                .withAutoCommitInterval(Duration.ZERO).withSyncOnCommit(false);
        long id;
        try (ChunkStore store = ChunkStore.create(dir, CHUNK, options)) {
            id = store.createDevice((long) CHUNKS * CHUNK);
            byte[] all = new byte[CHUNKS * CHUNK];
            for (int chunk = 0; chunk < CHUNKS; chunk++) {
                Arrays.fill(all, chunk * CHUNK, (chunk + 1) * CHUNK, before(chunk));
            }
            store.write(id, 0, all, 0, all.length);
            store.commit();
            long generation = store.committedGeneration();

            writeHalves(store, id, 0);
            assertThat(store.committedGeneration()).as("half a slot logged, no commit yet").isEqualTo(generation);
            // The first chunk's record was flushed to the file long ago; the last one's is still buffered.
            assertThat(read(store, id, 0)).isEqualTo(expected(0, true, false));
            assertThat(read(store, id, CHUNKS - 1)).isEqualTo(expected(CHUNKS - 1, true, false));

            writeHalves(store, id, HALF);
            assertThat(store.committedGeneration()).as("the full log committed once").isEqualTo(generation + 1);
            assertThat(store.storeAllocatedBytes()).as("no chunk was copied").isEqualTo((long) CHUNKS * CHUNK);
        }
        try (ChunkStore store = ChunkStore.open(dir, options)) {
            for (int chunk = 0; chunk < CHUNKS; chunk++) {
                assertThat(read(store, id, chunk)).as("chunk %d", chunk).isEqualTo(expected(chunk, true, true));
            }
            assertThat(store.check().problems()).isEmpty();
        }
    }

    private static void writeHalves(ChunkStore store, long id, int inChunk) {
        byte[] half = new byte[HALF];
        for (int chunk = 0; chunk < CHUNKS; chunk++) {
            Arrays.fill(half, after(chunk));
            store.write(id, (long) chunk * CHUNK + inChunk, half, 0, HALF);
        }
    }

    private static byte[] read(ChunkStore store, long id, int chunk) {
        byte[] bytes = new byte[CHUNK];
        store.read(id, (long) chunk * CHUNK, bytes, 0, CHUNK);
        return bytes;
    }

    private static byte[] expected(int chunk, boolean firstHalfRewritten, boolean secondHalfRewritten) {
        byte[] bytes = new byte[CHUNK];
        Arrays.fill(bytes, 0, HALF, firstHalfRewritten ? after(chunk) : before(chunk));
        Arrays.fill(bytes, HALF, CHUNK, secondHalfRewritten ? after(chunk) : before(chunk));
        return bytes;
    }

    private static byte before(int chunk) {
        return (byte) (chunk % 251 + 1);
    }

    private static byte after(int chunk) {
        return (byte) (chunk % 13 + 100);
    }
}
