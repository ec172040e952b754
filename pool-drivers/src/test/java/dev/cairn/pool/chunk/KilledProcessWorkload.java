package dev.cairn.pool.chunk;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

/**
 * The child side of {@link ChunkStoreKillTest}: runs the seeded workload on an existing store and
 * prints {@code committed <generation>} after every step that committed, until it is killed.
 */
public final class KilledProcessWorkload {

    static final int CHUNK = 4096;
    static final int MAX_STEPS = 5000;

    private KilledProcessWorkload() {
    }

    static ChunkStoreOptions options() {
        return ChunkStoreOptions.withCapacity(16384L * CHUNK).withNodeFanout(6).withNodeCacheBytes(64 * 4096)
                .withAutoCommitInterval(Duration.ZERO);
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        RandomWorkload workload = new RandomWorkload(new Random(seed), CHUNK);
        DeviceModel model = new DeviceModel();
        try (ChunkStore store = ChunkStore.open(dir, options())) {
            long generation = store.committedGeneration();
            for (int step = 0; step < MAX_STEPS; step++) {
                workload.step(store, model);
                if (store.committedGeneration() != generation) {
                    generation = store.committedGeneration();
                    System.out.println("committed " + generation);
                    System.out.flush();
                }
            }
        }
        System.out.println("finished");
    }
}
