package dev.cairn.pool.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power cuts at every write: the Nth write fails (whole, or torn in half), unforced writes are lost
 * or kept, and a reopen must show exactly the state of the last commit that returned, with a clean
 * check. The workload follows from {@code -Dcairn.chunk.crashSeed} (default 42).
 */
class ChunkStoreCrashTest {

    static final int CHUNK = 4096;
    static final int STEPS = 100;
    static final long SEED = Long.getLong("cairn.chunk.crashSeed", 42);

    @TempDir
    Path dir;

    @Test
    void everyFailedWriteLeavesExactlyTheLastCommittedState() throws IOException {
        int runs = 0;
        for (long failingWrite = 1; ; failingWrite++) {
            boolean finished = crashAt(failingWrite, failingWrite % 2 == 0, failingWrite % 3 != 0);
            runs++;
            if (finished) {
                break;
            }
        }
        assertThat(runs).as("the workload made enough writes to be interesting").isGreaterThan(300);
    }

    @Test
    void aStoreThatFailedRefusesWorkUntilReopened() throws IOException {
        Path store = dir.resolve("failed");
        ChunkStore.create(store, CHUNK, options()).close();
        FaultInjectingChannel.Plan plan = new FaultInjectingChannel.Plan(1, false);
        ChunkStore failing = ChunkStore.open(store, options().withChannelOpener(plan.opener()));
        assertThatThrownBy(() -> failing.createDevice(CHUNK)).isInstanceOf(ChunkStoreException.class)
                .extracting(e -> ((ChunkStoreException) e).reason()).isEqualTo(ChunkStoreException.Reason.IO_ERROR);
        assertThatThrownBy(() -> failing.storeAllocatedBytes()).isInstanceOf(ChunkStoreException.class)
                .extracting(e -> ((ChunkStoreException) e).reason()).isEqualTo(ChunkStoreException.Reason.STORE_FAILED);
        failing.close();
        try (ChunkStore reopened = ChunkStore.open(store, options())) {
            assertThat(reopened.deviceExists(1)).isFalse();
            assertThat(reopened.check().clean()).isTrue();
        }
    }

    /**
     * Runs the workload with a fault at write {@code failingWrite}; true when the workload finished first.
     * When the fault hits a committing operation, its commit may or may not have reached the disk
     * (the superblock write can fail after the disk took it), so either state is accepted then.
     */
    private boolean crashAt(long failingWrite, boolean tear, boolean dropUnsynced) throws IOException {
        Path store = dir.resolve("run-" + failingWrite);
        ChunkStore.create(store, CHUNK, options()).close();
        FaultInjectingChannel.Plan plan = new FaultInjectingChannel.Plan(failingWrite, tear);
        RandomWorkload workload = new RandomWorkload(new Random(SEED), CHUNK);
        DeviceModel model = new DeviceModel();
        DeviceModel committed = model.copy();
        DeviceModel maybeCommitted = null;
        boolean finalCommit = false;
        ChunkStore faulty = ChunkStore.open(store, options().withChannelOpener(plan.opener()));
        try {
            long generation = faulty.committedGeneration();
            for (int step = 0; step < STEPS; step++) {
                workload.step(faulty, model);
                if (faulty.committedGeneration() != generation) {
                    generation = faulty.committedGeneration();
                    committed = model.copy();
                }
            }
            finalCommit = true;
            faulty.commit();
            committed = model.copy();
        } catch (ChunkStoreException expected) {
            assertThat(plan.fired()).as("only the injected fault fails the workload: %s", expected).isTrue();
            // A commit that fails may still have reached the disk (a torn superblock write can carry
            // the whole superblock), the final explicit one as much as a committing step's.
            maybeCommitted = finalCommit || workload.lastStepCommits() ? model.copy() : null;
        } finally {
            closeAfterFault(faulty);
        }
        if (dropUnsynced) {
            plan.crash();
        }
        String situation = "seed " + SEED + ", fault at write " + failingWrite + (tear ? " (torn)" : "")
                + (dropUnsynced ? ", unforced writes lost" : ", unforced writes kept");
        try (ChunkStore reopened = ChunkStore.open(store, options())) {
            String mismatch = committed.mismatch(reopened);
            if (mismatch != null && maybeCommitted != null) {
                mismatch = maybeCommitted.mismatch(reopened);
            }
            assertThat(mismatch).as(situation).isNull();
            assertThat(reopened.check().problems()).as(situation).isEmpty();
        }
        return !plan.fired();
    }

    private static void closeAfterFault(ChunkStore store) {
        try {
            store.close();
        } catch (ChunkStoreException ignored) {
            // The commit at close hit the dead device; the reopen decides what survived.
        }
    }

    private static ChunkStoreOptions options() {
        return ChunkStoreOptions.withCapacity(2048L * CHUNK).withNodeBlockCount(4096).withNodeFanout(6)
                .withNodeCacheBytes(64 * 4096).withAutoCommitInterval(Duration.ZERO).withMappedSegmentBytes(1 << 20);
    }
}
