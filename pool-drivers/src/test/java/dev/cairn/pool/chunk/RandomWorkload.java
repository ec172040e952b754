package dev.cairn.pool.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

/** Random device operations applied to a store and to its model alike. */
final class RandomWorkload {

    private final Random random;
    private final int chunk;
    private boolean lastStepCommits;

    RandomWorkload(Random random, int chunkSizeBytes) {
        this.random = random;
        this.chunk = chunkSizeBytes;
    }

    Random random() {
        return random;
    }

    /**
     * One operation, applied to the model first: when the store then fails, the model shows what the
     * operation would have made. {@link #lastStepCommits()} says whether the store commits it.
     */
    void step(ChunkStore store, DeviceModel model) {
        int roll = random.nextInt(100);
        lastStepCommits = true;
        if (model.size() == 0 || roll < 4) {
            long capacity = (8 + random.nextInt(48)) * (long) chunk + random.nextInt(3) * 1000L;
            long expectedId = model.create(capacity);
            assertThat(store.createDevice(capacity)).isEqualTo(expectedId);
            return;
        }
        long id = model.idAt(random.nextInt(model.size()));
        long capacity = model.bytes(id).length;
        if (roll < 55) {
            lastStepCommits = false;
            write(store, model, id, capacity);
        } else if (roll < 65) {
            lastStepCommits = false;
            long offset = (long) (random.nextDouble() * capacity);
            long len = (long) (random.nextDouble() * (capacity - offset));
            model.discard(id, offset, len);
            store.discard(id, offset, len);
        } else if (roll < 75 && model.size() < 40) {
            long expectedId = model.snapshot(id);
            assertThat(store.snapshotDevice(id)).isEqualTo(expectedId);
        } else if (roll < 83 && model.size() > 1) {
            model.delete(id);
            store.deleteDevice(id);
        } else if (roll < 88) {
            long from = model.idAt(random.nextInt(model.size()));
            model.revert(id, from);
            store.revert(id, from);
        } else if (roll < 92) {
            long newCapacity = Math.max(0, capacity + (random.nextInt(17) - 8) * (long) chunk + random.nextInt(2) * 333);
            model.resize(id, newCapacity);
            store.resize(id, newCapacity);
        } else {
            store.commit();
        }
    }

    boolean lastStepCommits() {
        return lastStepCommits;
    }

    private void write(ChunkStore store, DeviceModel model, long id, long capacity) {
        if (capacity == 0) {
            return;
        }
        int kind = random.nextInt(4);
        long offset;
        int len;
        if (kind == 0) {
            long chunks = capacity / chunk;
            if (chunks == 0) {
                return;
            }
            offset = random.nextInt((int) chunks) * (long) chunk;
            len = (int) Math.min(chunk * (1 + random.nextInt(3)), capacity - offset);
        } else {
            offset = (long) (random.nextDouble() * capacity);
            len = (int) Math.min(1 + random.nextInt(kind == 1 ? 600 : 3 * chunk), capacity - offset);
        }
        byte[] buf = new byte[len];
        if (random.nextInt(8) != 0) {
            random.nextBytes(buf);
        }
        model.write(id, offset, buf);
        store.write(id, offset, buf, 0, len);
    }
}
