package dev.cairn.pool.chunk;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

/**
 * The chunk store against a plain file on the same disk, side by side in one run; run by
 * {@code bench/chunk-store.sh}, which prints what this prints. Arguments: a scratch directory, the
 * device size in MiB (default 4096) and the chunk size in KiB (default 64, what chunk pools get).
 *
 * <p>The store runs with its production settings ({@link ChunkStoreOptions#withCapacity}: commits forced,
 * 64 MiB metadata cache, auto-commit every second).
 * The plain file is written with positional {@link FileChannel} I/O and forced the same way: at least once
 * a second while writing (as auto-commit does) and at the end of each phase (as the explicit commit does).
 * Each phase runs on the plain file first, then on the store, with the same offsets and bytes; random
 * writes run in rounds that alternate the two.
 */
public final class ChunkStoreBenchmark {

    private static final int MIB = 1 << 20;
    private static final int SMALL = 4096;
    private static final int RANDOM_WRITES = 20_000;
    /** Random-write rounds per side, alternating file and store so both meet the same page cache and writeback. */
    private static final int RANDOM_WRITE_ROUNDS = 3;
    private static final int RANDOM_READS = 100_000;
    private static final int SNAPSHOTS = 15;
    private static final int DELETE_ROUNDS = 3;

    /** One side of the comparison: the same calls on a plain file or on a store device. */
    private interface Target {
        void write(long offset, byte[] buf, int len) throws IOException;

        void read(long offset, byte[] buf, int len) throws IOException;

        /** Makes what was written durable: force for the file, commit for the store. */
        void sync() throws IOException;

        /**
         * Forces what {@link #sync} made durable elsewhere and left to be written back: nothing for the
         * file; for the store, the logged bytes its last commit wrote into their chunks unforced, which
         * the next commit forces (taken here with one more 4 KiB write and commit).
         */
        void settle() throws IOException;
    }

    private final long deviceBytes;
    private final int chunk;
    private final byte[][] patterns = new byte[8][MIB];

    private ChunkStoreBenchmark(long deviceBytes, int chunkSizeBytes) {
        this.deviceBytes = deviceBytes;
        this.chunk = chunkSizeBytes;
        Random random = new Random(1);
        for (byte[] pattern : patterns) {
            random.nextBytes(pattern);
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        long sizeMib = args.length > 1 ? Long.parseLong(args[1]) : 4096;
        int chunkKib = args.length > 2 ? Integer.parseInt(args[2]) : ChunkPoolDriver.DEFAULT_CHUNK_SIZE / 1024;
        new ChunkStoreBenchmark(sizeMib * MIB, chunkKib * 1024).run(dir);
    }

    private void run(Path dir) throws IOException {
        System.out.printf("device: %d MiB; chunk store: %d KiB chunks, syncOnCommit=true, 64 MiB cache, 1 s auto-commit%n",
                deviceBytes / MIB, chunk / 1024);
        System.out.println("| measure | chunk store | plain file | ratio (store / file) |");
        System.out.println("|---|---|---|---|");
        ChunkStoreOptions options = ChunkStoreOptions.withCapacity(2 * deviceBytes + 256L * MIB);
        try (FileChannel file = FileChannel.open(dir.resolve("plain.img"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
             ChunkStore store = ChunkStore.create(dir.resolve("store"), chunk, options)) {
            long device = store.createDevice(deviceBytes);
            Target plain = new PlainFile(file);
            Target chunk = new StoreDevice(store, device);
            throughput("sequential 1 MiB writes (MiB/s)", this::writeSequential, chunk, plain);
            double[] fullRead = throughput("sequential 1 MiB reads (MiB/s)", this::readSequential, chunk, plain);
            randomWriteRounds(chunk, plain);
            rate("4 KiB random reads (IOPS)", t -> randomReads(t, new Random(3), RANDOM_READS), chunk, plain);
            snapshotCosts(store, device, chunk, plain);
            deleteAndDiff(store, device, fullRead);
        }
        long peak = peakHeapBytes();
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        System.out.printf("heap: peak %d MiB (sum of the heap pools' peaks), %d MiB live after a full GC, of %d MiB max%n",
                peak / MIB, (runtime.totalMemory() - runtime.freeMemory()) / MIB, runtime.maxMemory() / MIB);
    }

    @FunctionalInterface
    private interface Phase {
        /** Runs on one target; returns the amount done (bytes or operations). */
        long run(Target target) throws IOException;
    }

    /** Times a phase on both targets, prints MiB/s; returns the seconds each took (store, file). */
    private double[] throughput(String measure, Phase phase, Target chunk, Target plain) throws IOException {
        double[] fileRun = timed(phase, plain);
        double[] storeRun = timed(phase, chunk);
        row(measure, storeRun[1] / MIB / storeRun[0], fileRun[1] / MIB / fileRun[0], "%.0f");
        return new double[] {storeRun[0], fileRun[0]};
    }

    private void rate(String measure, Phase phase, Target chunk, Target plain) throws IOException {
        double[] fileRun = timed(phase, plain);
        double[] storeRun = timed(phase, chunk);
        row(measure, storeRun[1] / storeRun[0], fileRun[1] / fileRun[0], "%.0f");
    }

    /**
     * 4 KiB random writes, {@value #RANDOM_WRITE_ROUNDS} rounds per side, file and store alternating, the same
     * offsets and bytes on both sides of a round; each round includes its {@link Target#settle}. Prints the
     * medians and every round.
     */
    private void randomWriteRounds(Target chunk, Target plain) throws IOException {
        double[] storeIops = new double[RANDOM_WRITE_ROUNDS];
        double[] fileIops = new double[RANDOM_WRITE_ROUNDS];
        for (int round = 0; round < RANDOM_WRITE_ROUNDS; round++) {
            long seed = 2 + 1000L * round;
            Phase phase = t -> {
                long done = randomWrites(t, new Random(seed), RANDOM_WRITES);
                t.settle();
                return done;
            };
            double[] fileRun = timed(phase, plain);
            double[] storeRun = timed(phase, chunk);
            fileIops[round] = fileRun[1] / fileRun[0];
            storeIops[round] = storeRun[1] / storeRun[0];
        }
        row("4 KiB random writes (IOPS, median of " + RANDOM_WRITE_ROUNDS + " alternating rounds)", median(storeIops),
                median(fileIops), "%.0f");
        StringBuilder stores = new StringBuilder();
        StringBuilder files = new StringBuilder();
        StringBuilder ratios = new StringBuilder();
        for (int round = 0; round < RANDOM_WRITE_ROUNDS; round++) {
            String separator = round == 0 ? "" : " / ";
            stores.append(separator).append(Math.round(storeIops[round]));
            files.append(separator).append(Math.round(fileIops[round]));
            ratios.append(separator).append(String.format("%.2fx", storeIops[round] / fileIops[round]));
        }
        System.out.printf("| 4 KiB random writes, each round (file first) | %s | %s | %s |%n", stores, files, ratios);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** Seconds taken and amount done. */
    private static double[] timed(Phase phase, Target target) throws IOException {
        long started = System.nanoTime();
        long done = phase.run(target);
        return new double[] {(System.nanoTime() - started) / 1e9, done};
    }

    private static void row(String measure, double store, double file, String format) {
        System.out.printf("| %s | " + format + " | " + format + " | %.2fx |%n", measure, store, file, store / file);
    }

    private long writeSequential(Target target) throws IOException {
        return writeSequential(target, deviceBytes);
    }

    private long writeSequential(Target target, long bytes) throws IOException {
        for (long offset = 0; offset < bytes; offset += MIB) {
            target.write(offset, patterns[(int) (offset / MIB) % patterns.length], MIB);
        }
        target.sync();
        return bytes;
    }

    private long readSequential(Target target) throws IOException {
        byte[] buf = new byte[MIB];
        for (long offset = 0; offset < deviceBytes; offset += MIB) {
            target.read(offset, buf, MIB);
        }
        return deviceBytes;
    }

    private long randomWrites(Target target, Random random, int count) throws IOException {
        long blocks = deviceBytes / SMALL;
        for (int i = 0; i < count; i++) {
            long offset = (long) (random.nextDouble() * blocks) * SMALL;
            target.write(offset, patterns[i % patterns.length], SMALL);
        }
        target.sync();
        return count;
    }

    private long randomReads(Target target, Random random, int count) throws IOException {
        long blocks = deviceBytes / SMALL;
        byte[] buf = new byte[SMALL];
        for (int i = 0; i < count; i++) {
            target.read((long) (random.nextDouble() * blocks) * SMALL, buf, SMALL);
        }
        return count;
    }

    /** Snapshot latency with 64 MiB and with the whole device written, then the first writes after one. */
    private void snapshotCosts(ChunkStore store, long device, Target chunk, Target plain) throws IOException {
        long small = store.createDevice(deviceBytes);
        writeSequential(new StoreDevice(store, small), 64L * MIB);
        snapshotLatency(store, small, "snapshot create, 64 MiB written (ms, median / max of " + SNAPSHOTS + ")");
        snapshotLatency(store, device, "snapshot create, " + deviceBytes / MIB + " MiB written (ms, median / max of "
                + SNAPSHOTS + ")");
        store.deleteDevice(small);

        long snapshot = store.snapshotDevice(device);
        rate("4 KiB random writes just after a snapshot (IOPS)",
                t -> randomWrites(t, new Random(4), RANDOM_WRITES / 4), chunk, plain);
        store.deleteDevice(snapshot);
        snapshot = store.snapshotDevice(device);
        long rewritten = Math.min(deviceBytes, 256L * MIB);
        throughput("1 MiB sequential rewrite of " + rewritten / MIB + " MiB just after a snapshot (MiB/s)",
                t -> writeSequential(t, rewritten), chunk, plain);
        store.deleteDevice(snapshot);
    }

    private static void snapshotLatency(ChunkStore store, long device, String measure) {
        double[] millis = new double[SNAPSHOTS];
        for (int i = 0; i < SNAPSHOTS; i++) {
            long started = System.nanoTime();
            long snapshot = store.snapshotDevice(device);
            millis[i] = (System.nanoTime() - started) / 1e6;
            store.deleteDevice(snapshot);
        }
        Arrays.sort(millis);
        System.out.printf("| %s | %.1f / %.1f | n/a | |%n", measure, millis[SNAPSHOTS / 2], millis[SNAPSHOTS - 1]);
    }

    /**
     * Three times: snapshot, overwrite 1% of the device's chunks (scattered), snapshot again; time the diff
     * of the two and the delete of the first (which then holds 1% unique data), against reading the whole
     * device. The first round runs cold (classes loaded, code interpreted), so the first and the median show.
     */
    private void deleteAndDiff(ChunkStore store, long device, double[] fullReadSeconds) {
        double[] diffMillis = new double[DELETE_ROUNDS];
        double[] deleteMillis = new double[DELETE_ROUNDS];
        long[] differing = new long[1];
        long nodes = 0;
        Random random = new Random(5);
        for (int round = 0; round < DELETE_ROUNDS; round++) {
            long first = store.snapshotDevice(device);
            long chunks = deviceBytes / chunk;
            for (long i = 0; i < Math.max(1, chunks / 100); i++) {
                long offset = (long) (random.nextDouble() * chunks) * chunk;
                store.write(device, offset, patterns[(int) (i % patterns.length)], 0, chunk);
            }
            long second = store.snapshotDevice(device);
            differing[0] = 0;
            long started = System.nanoTime();
            nodes = store.diff(first, second, (offset, length, kind) -> differing[0] += length);
            diffMillis[round] = (System.nanoTime() - started) / 1e6;
            started = System.nanoTime();
            store.deleteDevice(first);
            deleteMillis[round] = (System.nanoTime() - started) / 1e6;
            store.deleteDevice(second);
        }
        String full = String.format("of reading the whole device (store %.2f s; file %.2f s)", fullReadSeconds[0],
                fullReadSeconds[1]);
        fraction("diff of two snapshots 1% apart (" + differing[0] / MIB + " MiB differ, " + nodes + " nodes read)",
                diffMillis, fullReadSeconds[0], full);
        fraction("delete of a snapshot holding 1% unique data (commit included)", deleteMillis, fullReadSeconds[0], full);
    }

    private static void fraction(String measure, double[] millis, double fullReadSeconds, String of) {
        double first = millis[0];
        double median = median(millis);
        System.out.printf("| %s, ms: first / median of %d | %.1f / %.1f = %.2f%% / %.2f%% %s | | |%n", measure,
                millis.length, first, median, first / fullReadSeconds / 10, median / fullReadSeconds / 10, of);
    }

    private static long peakHeapBytes() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
    }

    /** Positional I/O, forced at least once a second while writing and at every sync. */
    private static final class PlainFile implements Target {
        private final FileChannel channel;
        private long lastForce = System.nanoTime();

        PlainFile(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public void write(long offset, byte[] buf, int len) throws IOException {
            ByteBuffer bytes = ByteBuffer.wrap(buf, 0, len);
            while (bytes.hasRemaining()) {
                channel.write(bytes, offset + bytes.position());
            }
            if (System.nanoTime() - lastForce >= 1_000_000_000L) {
                sync();
            }
        }

        @Override
        public void read(long offset, byte[] buf, int len) throws IOException {
            ByteBuffer bytes = ByteBuffer.wrap(buf, 0, len);
            while (bytes.hasRemaining() && channel.read(bytes, offset + bytes.position()) >= 0) {
                // Reads until full; a hole reads as zeros, past the end stops.
            }
        }

        @Override
        public void sync() throws IOException {
            channel.force(false);
            lastForce = System.nanoTime();
        }

        @Override
        public void settle() {
            // sync forced everything.
        }
    }

    /** One device of the store; the store's auto-commit makes writes durable every second. */
    private record StoreDevice(ChunkStore store, long device) implements Target {
        @Override
        public void write(long offset, byte[] buf, int len) {
            store.write(device, offset, buf, 0, len);
        }

        @Override
        public void read(long offset, byte[] buf, int len) {
            store.read(device, offset, buf, 0, len);
        }

        @Override
        public void sync() {
            store.commit();
        }

        @Override
        public void settle() {
            byte[] small = new byte[SMALL];
            small[0] = 1; // not all zeros, so it is logged like any small write, whatever the chunk size
            store.write(device, 0, small, 0, SMALL);
            store.commit();
        }
    }
}
