package dev.cairn.qcow2.driver;

import dev.cairn.pool.spi.ArrayBackedDevice;
import dev.cairn.qcow2.Qcow2Image;
import dev.cairn.qcow2.SnapshotReader;
import java.io.IOException;

/** An internal snapshot's content, read-only; holds its image open until closed. */
final class Qcow2SnapshotDevice extends ArrayBackedDevice {
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
    protected void readBytes(long offset, byte[] bytes, int start, int length) {
        try {
            reader.read(offset, bytes, start, length);
        } catch (IOException e) {
            throw Qcow2Failures.translate("read a snapshot of volume '" + name + "'", e);
        }
    }

    @Override
    protected void writeBytes(long offset, byte[] bytes, int start, int length) {
        throw new IllegalStateException("snapshots are read-only");
    }

    @Override
    public void flush() {
        // Nothing is ever written through a snapshot.
    }

    @Override
    public void close() {
        Qcow2Failures.close(image, name);
    }
}
