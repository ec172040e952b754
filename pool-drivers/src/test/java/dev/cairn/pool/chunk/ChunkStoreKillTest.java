package dev.cairn.pool.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM running the seeded workload (SIGKILL, at a random commit count) and checks that
 * the reopened store is exactly the state of one commit at or after the last one the child reported,
 * replaying the same workload in this JVM to know what that state holds.
 */
class ChunkStoreKillTest {

    @TempDir
    Path dir;

    @Test
    void aKilledProcessLeavesExactlyOneOfItsCommits() throws Exception {
        Random random = new Random(2026);
        for (int round = 0; round < 3; round++) {
            Path store = dir.resolve("killed-" + round);
            ChunkStore.create(store, KilledProcessWorkload.CHUNK, KilledProcessWorkload.options()).close();
            long seed = 100 + round;
            long reported = runAndKill(store, seed, 5 + random.nextInt(40), random.nextInt(20));
            try (ChunkStore reopened = ChunkStore.open(store, KilledProcessWorkload.options())) {
                long generation = reopened.committedGeneration();
                assertThat(generation).as("nothing reported as committed is lost").isGreaterThanOrEqualTo(reported);
                replayUntil(dir.resolve("replay-" + round), seed, generation).assertMatches(reopened);
                assertThat(reopened.check().problems()).isEmpty();
            }
        }
    }

    /** Starts the child, kills it after {@code commits} reported commits and {@code delayMillis}; returns the last reported generation. */
    private static long runAndKill(Path store, long seed, int commits, int delayMillis) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KilledProcessWorkload.class.getName(), store.toString(), Long.toString(seed))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long reported = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            int seen = 0;
            String line;
            while (seen < commits && (line = lines.readLine()) != null) {
                assertThat(line).as("killed before the workload ends").isNotEqualTo("finished");
                if (line.startsWith("committed ")) {
                    reported = Long.parseLong(line.substring("committed ".length()));
                    seen++;
                }
            }
            Thread.sleep(delayMillis);
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(reported).as("the child committed before it was killed").isPositive();
        return reported;
    }

    /** The model right after the workload's commit of {@code generation}, replayed on a scratch store. */
    private static DeviceModel replayUntil(Path scratch, long seed, long generation) throws IOException {
        RandomWorkload workload = new RandomWorkload(new Random(seed), KilledProcessWorkload.CHUNK);
        DeviceModel model = new DeviceModel();
        try (ChunkStore store = ChunkStore.create(scratch, KilledProcessWorkload.CHUNK,
                KilledProcessWorkload.options().withSyncOnCommit(false))) {
            for (int step = 0; store.committedGeneration() < generation; step++) {
                assertThat(step).as("the replay reaches generation %d", generation).isLessThan(KilledProcessWorkload.MAX_STEPS);
                workload.step(store, model);
            }
            assertThat(store.committedGeneration()).as("one commit per step").isEqualTo(generation);
        }
        return model;
    }
}
