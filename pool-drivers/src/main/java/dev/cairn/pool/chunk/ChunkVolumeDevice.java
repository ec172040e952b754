package dev.cairn.pool.chunk;

import dev.cairn.pool.spi.BlockDevice;
import java.nio.ByteBuffer;

/** A volume of a chunk pool: one device of the shared store. Flushing commits the store. */
final class ChunkVolumeDevice implements BlockDevice {
    private final ChunkStore store;
    private final long deviceId;
    private final String name;
    private final boolean writable;
    private final long capacityBytes;

    ChunkVolumeDevice(ChunkStore store, long deviceId, String name, boolean writable) {
        this.store = store;
        this.deviceId = deviceId;
        this.name = name;
        this.writable = writable;
        this.capacityBytes = call("open", () -> store.deviceCapacityBytes(deviceId));
    }

    @Override
    public long capacityBytes() {
        return capacityBytes;
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        BlockDevice.checkRange(offset, dst.remaining(), capacityBytes);
        int length = dst.remaining();
        if (dst.hasArray()) {
            run("read", () -> store.read(deviceId, offset, dst.array(), dst.arrayOffset() + dst.position(), length));
            dst.position(dst.position() + length);
        } else {
            byte[] bytes = new byte[length];
            run("read", () -> store.read(deviceId, offset, bytes, 0, length));
            dst.put(bytes);
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        if (!writable) {
            throw new IllegalStateException("volume '" + name + "' was opened read-only");
        }
        BlockDevice.checkRange(offset, src.remaining(), capacityBytes);
        int length = src.remaining();
        if (src.hasArray()) {
            run("write", () -> store.write(deviceId, offset, src.array(), src.arrayOffset() + src.position(), length));
            src.position(src.position() + length);
        } else {
            byte[] bytes = new byte[length];
            src.get(bytes);
            run("write", () -> store.write(deviceId, offset, bytes, 0, length));
        }
    }

    @Override
    public void flush() {
        run("flush", store::commit);
    }

    @Override
    public void close() {
        // The store belongs to the pool, which closes it when stopped.
    }

    private void run(String what, Runnable work) {
        call(what, () -> {
            work.run();
            return null;
        });
    }

    private <T> T call(String what, java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (ChunkStoreException e) {
            throw ChunkFailures.translate(what + " volume '" + name + "'", e);
        }
    }
}
