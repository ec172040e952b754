package dev.cairn.qcow2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Power-loss simulation: the Nth write fails and every write after it too, then any subset of
 * the writes not yet covered by a barrier is lost. Looped over N, reopening must show a
 * consistent image: leaks are allowed, corruption is not.
 */
class CrashSimulationTest {

    @TempDir
    Path dir;

    private static final class SimulatedCrash extends IOException {
        SimulatedCrash() {
            super("simulated power loss");
        }
    }

    private record Write(long offset, byte[] before, byte[] after) {
    }

    /** Fails the {@code failAt}-th write to {@code target} and remembers unsynced writes. */
    private static final class PowerLoss implements HostFile.WriteInterceptor {
        private final Path target;
        private final long failAt;
        private final List<Write> unsynced = new ArrayList<>();
        private long writes;
        private boolean crashed;

        PowerLoss(Path target, long failAt) {
            this.target = target;
            this.failAt = failAt;
        }

        @Override
        public void beforeWrite(HostFile file, long hostOffset, byte[] buf, int off, int length) throws IOException {
            if (!file.path().equals(target)) {
                return;
            }
            writes++;
            if (crashed || writes == failAt) {
                crashed = true;
                throw new SimulatedCrash();
            }
            byte[] after = new byte[length];
            System.arraycopy(buf, off, after, 0, length);
            unsynced.add(new Write(hostOffset, file.read(hostOffset, length), after));
        }

        @Override
        public void afterBarrier(HostFile file) {
            if (file.path().equals(target) && !crashed) {
                unsynced.clear();
            }
        }

        /** Rolls back to the last barrier, then replays a random subset of the later writes. */
        void loseUnsyncedWrites(Random random) throws IOException {
            try (RandomAccessFile raf = new RandomAccessFile(target.toFile(), "rw")) {
                for (int i = unsynced.size() - 1; i >= 0; i--) {
                    raf.seek(unsynced.get(i).offset());
                    raf.write(unsynced.get(i).before());
                }
                for (Write write : unsynced) {
                    if (random.nextBoolean()) {
                        raf.seek(write.offset());
                        raf.write(write.after());
                    }
                }
            }
        }
    }

    @AfterEach
    void removeInterceptor() {
        HostFile.interceptor = null;
    }

    private static void scenario(Qcow2Image image) throws IOException {
        Random random = new Random(99);
        byte[] data = new byte[9000];
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 6; i++) {
                random.nextBytes(data);
                image.write(random.nextInt(900_000), data, 0, data.length);
            }
            image.createSnapshot("", "round" + round);
            image.discard(random.nextInt(8) * 65536L, 131072);
            image.writeZeroes(random.nextInt(500_000), 70_000);
        }
        image.deleteSnapshot("round1");
        image.applySnapshot("round0");
        random.nextBytes(data);
        image.write(4096, data, 0, data.length);
        image.resize(4 << 20);
        image.write((4 << 20) - 9000, data, 0, data.length);
        image.deleteSnapshot("round2");
    }

    private Path freshImage() throws IOException {
        Path file = dir.resolve("crash.qcow2");
        try (Qcow2Image image = Qcow2Image.create(file,
                Qcow2CreateOptions.ofCapacity(1 << 20).withClusterBits(12))) {
            byte[] base = new byte[300_000];
            new Random(1).nextBytes(base);
            image.write(0, base, 0, base.length);
        }
        return file.toRealPath();
    }

    private long countWrites() throws IOException {
        Path file = freshImage();
        PowerLoss counter = new PowerLoss(file, Long.MAX_VALUE);
        HostFile.interceptor = counter;
        try (Qcow2Image image = Qcow2Image.open(file, true)) {
            scenario(image);
        } finally {
            HostFile.interceptor = null;
        }
        return counter.writes;
    }

    @Test
    void crashAtAnyWriteLeavesOnlyLeaksNeverCorruption() throws Exception {
        long total = countWrites();
        long step = Math.max(1, total / 60);
        int qemuChecks = 0;
        for (long failAt = 1; failAt <= total; failAt += step) {
            Path file = freshImage();
            PowerLoss crash = new PowerLoss(file, failAt);
            HostFile.interceptor = crash;
            try (Qcow2Image image = Qcow2Image.open(file, true)) {
                scenario(image);
            } catch (SimulatedCrash expected) {
                // The engine stopped at the failed write; close() failed to flush as well.
            }
            HostFile.interceptor = null;
            crash.loseUnsyncedWrites(new Random(failAt));
            try (Qcow2Image reopened = Qcow2Image.open(file, true)) {
                CheckResult result = reopened.check();
                assertThat(result.corruptions()).as("crash at write %d of %d: %s", failAt, total,
                        result.messages()).isZero();
                byte[] content = new byte[(int) reopened.capacityBytes()];
                reopened.read(0, content, 0, content.length);
            }
            if ((failAt - 1) % (step * 15) == 0) {
                assertThat(QemuTool.img("check", file.toString()).exitCode()).as("qemu-img check after crash at %d",
                        failAt).isIn(0, 3);
                qemuChecks++;
            }
        }
        assertThat(total).isGreaterThan(50);
        assertThat(qemuChecks).isPositive();
    }
}
