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
 * Kills a child JVM running the seeded workload with SIGKILL at a random moment, over and over on one
 * store (so later rounds start from a grown store with many devices, snapshots and freed space), and
 * checks after every kill that the reopened store passes check and holds exactly the state of the last
 * commit the child acknowledged, or of the one it was making. A second store in this JVM replays the
 * same steps, unsynced, to know what each committed state holds.
 *
 * <p>50 kills by default; {@code -Dcairn.chunk.longTests=true} makes 500, {@code -Dcairn.chunk.kills=N}
 * any number. The workloads follow from {@code -Dcairn.chunk.killSeed} (default 2026), printed in every
 * failure; the moments of the kills follow from it too, but what the child has done by then depends on
 * the machine.
 */
class ChunkStoreKillTest {

    private static final int CHUNK = KilledProcessWorkload.CHUNK;

    @TempDir
    Path dir;

    @Test
    void everyKillLeavesExactlyTheLastAcknowledgedCommitOrTheOneInFlight() throws Exception {
        int kills = Integer.getInteger("cairn.chunk.kills", Boolean.getBoolean("cairn.chunk.longTests") ? 500 : 50);
        long seed = Long.getLong("cairn.chunk.killSeed", 2026);
        Random random = new Random(seed);
        Path killed = dir.resolve("killed");
        ChunkStore.create(killed, CHUNK, KilledProcessWorkload.options()).close();
        long started = System.nanoTime();
        long acknowledgedCommits = 0;
        try (ChunkStore replay = ChunkStore.create(dir.resolve("replay"), CHUNK,
                KilledProcessWorkload.options().withSyncOnCommit(false))) {
            DeviceModel model = new DeviceModel();
            for (int round = 0; round < kills; round++) {
                long workloadSeed = random.nextLong();
                int delayMillis = 50 + random.nextInt(351);
                String where = "kill test seed " + seed + ", round " + round + " (workload seed " + workloadSeed
                        + ", killed " + delayMillis + " ms after open)";
                CommitLog log = runAndKill(killed, workloadSeed, model.nextId(), delayMillis, where);
                assertThat(log.opened()).as("%s: the child opened the last verified state", where)
                        .isEqualTo(replay.committedGeneration());
                acknowledgedCommits += log.acknowledged() - log.opened();
                try (ChunkStore reopened = ChunkStore.open(killed, KilledProcessWorkload.options())) {
                    long generation = reopened.committedGeneration();
                    assertThat(generation).as("%s: nothing acknowledged is lost, nothing unmade appears", where)
                            .isBetween(log.acknowledged(), log.acknowledged() + 1);
                    replayUntil(replay, new RandomWorkload(new Random(workloadSeed), CHUNK), model, generation, where);
                    String mismatch = model.mismatch(reopened);
                    assertThat(mismatch).as("%s: generation %d holds what the replay holds", where, generation).isNull();
                    assertThat(reopened.check().problems()).as("%s: check after reopen", where).isEmpty();
                }
            }
        }
        System.out.printf("%d kills, %d acknowledged commits, in %d ms%n", kills, acknowledgedCommits,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** What the child printed: the generation it opened and the last one it acknowledged. */
    private record CommitLog(long opened, long acknowledged) {
    }

    /** Starts the child, kills it {@code delayMillis} after it opened the store, and reads all it acknowledged. */
    private static CommitLog runAndKill(Path store, long seed, long nextId, int delayMillis, String where)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // C1 only and a small serial heap: the child starts in a fraction of the time, which keeps rounds short.
        Process child = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), KilledProcessWorkload.class.getName(),
                store.toString(), Long.toString(seed), Long.toString(nextId))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String first = lines.readLine();
            assertThat(first).as("%s: the child opens the store", where).startsWith("opened ");
            long opened = Long.parseLong(first.substring("opened ".length()));
            Thread.sleep(delayMillis);
            // SIGKILL through the handle: Process.destroyForcibly would also close the pipe still to be read.
            child.toHandle().destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("%s: the child dies", where).isTrue();
            assertThat(child.exitValue()).as("%s: the child was killed by SIGKILL, not ended", where).isEqualTo(128 + 9);
            long acknowledged = opened;
            String line;
            while ((line = lines.readLine()) != null) {
                assertThat(line).as("%s: a commit acknowledgement", where).startsWith("committed ");
                acknowledged = Long.parseLong(line.substring("committed ".length()));
            }
            return new CommitLog(opened, acknowledged);
        } finally {
            child.destroyForcibly();
        }
    }

    /** Steps the replay store and its model with the round's workload until the replay has committed {@code generation}. */
    private static void replayUntil(ChunkStore replay, RandomWorkload workload, DeviceModel model, long generation,
            String where) throws IOException {
        for (int step = 0; replay.committedGeneration() < generation; step++) {
            assertThat(step).as("%s: the replay reaches generation %d", where, generation)
                    .isLessThan(KilledProcessWorkload.MAX_STEPS);
            workload.step(replay, model);
        }
        assertThat(replay.committedGeneration()).as("%s: one commit per step", where).isEqualTo(generation);
    }
}
