package dev.cairn.qcow2.driver;

import dev.cairn.pool.spi.BlockDevice;
import dev.cairn.qcow2.Qcow2Image;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A qcow2 volume's guest bytes through the engine. One caller at a time, as every BlockDevice. */
final class Qcow2Device implements BlockDevice {
    private final Qcow2Image image;
    private final String name;

    Qcow2Device(Qcow2Image image, String name) {
        this.image = image;
        this.name = name;
    }

    @Override
    public long capacityBytes() {
        return image.capacityBytes();
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        BlockDevice.checkRange(offset, dst.remaining(), capacityBytes());
        byte[] bytes = dst.hasArray() ? dst.array() : new byte[dst.remaining()];
        int start = dst.hasArray() ? dst.arrayOffset() + dst.position() : 0;
        int length = dst.remaining();
        try {
            image.read(offset, bytes, start, length);
        } catch (IOException e) {
            throw Qcow2Failures.translate("read volume '" + name + "'", e);
        }
        if (dst.hasArray()) {
            dst.position(dst.position() + length);
        } else {
            dst.put(bytes);
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        BlockDevice.checkRange(offset, src.remaining(), capacityBytes());
        int length = src.remaining();
        byte[] bytes;
        int start;
        if (src.hasArray()) {
            bytes = src.array();
            start = src.arrayOffset() + src.position();
        } else {
            bytes = new byte[length];
            src.duplicate().get(bytes);
            start = 0;
        }
        try {
            image.write(offset, bytes, start, length);
        } catch (IOException e) {
            throw Qcow2Failures.translate("write volume '" + name + "'", e);
        }
        src.position(src.position() + length);
    }

    @Override
    public void flush() {
        try {
            image.flush();
        } catch (IOException e) {
            throw Qcow2Failures.translate("flush volume '" + name + "'", e);
        }
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
