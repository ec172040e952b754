package dev.cairn.pool.chunk;

import dev.cairn.pool.spi.ArrayBackedDevice;

/** A volume of a chunk pool: one device of the shared store. Flushing commits the store. */
final class ChunkVolumeDevice extends ArrayBackedDevice {
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
        this.capacityBytes = ChunkFailures.call("open volume '" + name + "'", () -> store.deviceCapacityBytes(deviceId));
    }

    @Override
    public long capacityBytes() {
        return capacityBytes;
    }

    @Override
    protected void readBytes(long offset, byte[] bytes, int start, int length) {
        ChunkFailures.run("read volume '" + name + "'", () -> store.read(deviceId, offset, bytes, start, length));
    }

    @Override
    protected void writeBytes(long offset, byte[] bytes, int start, int length) {
        if (!writable) {
            throw new IllegalStateException("volume '" + name + "' was opened read-only");
        }
        ChunkFailures.run("write volume '" + name + "'", () -> store.write(deviceId, offset, bytes, start, length));
    }

    /**
     * Makes {@code [offset, offset + length)} read as zeroes: whole chunks are unmapped, partial ones zeroed
     * (how a delta's zero records are applied without writing zero bytes). Durable at the next flush. Meant
     * to become an override once {@code BlockDevice} declares it.
     *
     * @throws IllegalArgumentException when the range leaves the device
     */
    @Override
    public void writeZeroes(long offset, long length) {
        if (!writable) {
            throw new IllegalStateException("volume '" + name + "' was opened read-only");
        }
        dev.cairn.pool.spi.BlockDevice.checkRange(offset, length, capacityBytes);
        ChunkFailures.run("zero a range of volume '" + name + "'", () -> store.discard(deviceId, offset, length));
    }

    @Override
    public void flush() {
        ChunkFailures.run("flush volume '" + name + "'", store::commit);
    }

    @Override
    public void close() {
        // The store belongs to the pool, which closes it when stopped.
    }
}
