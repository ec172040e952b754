package dev.cairn.qcow2.driver;

import dev.cairn.pool.spi.BlockDevice;
import dev.cairn.qcow2.Qcow2Image;
import dev.cairn.qcow2.SnapshotReader;
import java.io.IOException;
import java.nio.ByteBuffer;

/** An internal snapshot's content, read-only; holds its image open until closed. */
final class Qcow2SnapshotDevice implements BlockDevice {
    private final Qcow2Image image;
    private final SnapshotReader reader;
    private final String name;

    Qcow2SnapshotDevice(Qcow2Image image, SnapshotReader reader, String name) {
        this.image = image;
        this.reader = reader;
        this.name = name;
    }

    @Override
    public long capacityBytes() {
        return reader.capacityBytes();
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        BlockDevice.checkRange(offset, dst.remaining(), capacityBytes());
        int length = dst.remaining();
        byte[] bytes = new byte[length];
        try {
            reader.read(offset, bytes, 0, length);
        } catch (IOException e) {
            throw Qcow2Failures.translate("read a snapshot of volume '" + name + "'", e);
        }
        dst.put(bytes);
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        throw new IllegalStateException("snapshots are read-only");
    }

    @Override
    public void flush() {
        // Nothing is ever written through a snapshot.
    }

    @Override
    public void close() {
        try {
            image.close();
        } catch (IOException e) {
            throw Qcow2Failures.translate("close volume '" + name + "'", e);
        }
    }
}
