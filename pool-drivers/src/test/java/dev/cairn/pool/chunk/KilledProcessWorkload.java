package dev.cairn.pool.chunk;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

/**
 * The child side of {@link ChunkStoreKillTest}: opens an existing store, rebuilds the model of its
 * devices from it, prints {@code opened <generation>}, then runs the seeded workload and prints
 * {@code committed <generation>} after every step that committed (its log of acknowledged commits),
 * until it is killed.
 *
 * <p>Arguments: store directory, workload seed, the id the store gives its next device (the model's
 * {@code nextId}, which the store does not expose).
 */
public final class KilledProcessWorkload {

    static final int CHUNK = 4096;
    /** Far more steps than a child runs in the longest round; reaching it means the child was not killed. */
    static final int MAX_STEPS = 1_000_000;

    private KilledProcessWorkload() {
    }

    static ChunkStoreOptions options() {
        return ChunkStoreOptions.withCapacity(16384L * CHUNK).withNodeFanout(6).withNodeCacheBytes(64 * 4096)
                .withAutoCommitInterval(Duration.ZERO);
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        RandomWorkload workload = new RandomWorkload(new Random(Long.parseLong(args[1])), CHUNK);
        try (ChunkStore store = ChunkStore.open(dir, options())) {
            DeviceModel model = DeviceModel.of(store, Long.parseLong(args[2]));
            long generation = store.committedGeneration();
            System.out.println("opened " + generation);
            System.out.flush();
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
