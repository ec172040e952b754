package dev.cairn.qcow2.driver;

import dev.cairn.pool.spi.ArrayBackedDevice;
import dev.cairn.qcow2.Qcow2Image;
import java.io.IOException;

/** A qcow2 volume's guest bytes through the engine. One caller at a time, as every BlockDevice. */
final class Qcow2Device extends ArrayBackedDevice {
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
    protected void readBytes(long offset, byte[] bytes, int start, int length) {
        try {
            image.read(offset, bytes, start, length);
        } catch (IOException e) {
            throw Qcow2Failures.translate("read volume '" + name + "'", e);
        }
    }

    @Override
    protected void writeBytes(long offset, byte[] bytes, int start, int length) {
        try {
            image.write(offset, bytes, start, length);
        } catch (IOException e) {
            throw Qcow2Failures.translate("write volume '" + name + "'", e);
        }
    }

    /**
     * Makes {@code [offset, offset + length)} read as zeroes; whole clusters become zero clusters and their
     * host clusters are freed (how a delta's zero records are applied without writing zero bytes). Meant to
     * become an override once {@code BlockDevice} declares it.
     *
     * @throws IllegalArgumentException when the range leaves the device
     */
    @Override
    public void writeZeroes(long offset, long length) {
        dev.cairn.pool.spi.BlockDevice.checkRange(offset, length, capacityBytes());
        try {
            image.writeZeroes(offset, length);
        } catch (IOException e) {
            throw Qcow2Failures.translate("zero a range of volume '" + name + "'", e);
        }
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
        Qcow2Failures.close(image, name);
    }
}
