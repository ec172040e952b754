package dev.cairn.pool.dir;

import dev.cairn.pool.spi.BlockDevice;
import dev.cairn.pool.spi.StorageFailures;
import dev.cairn.pool.spi.VolumeFormat;
import dev.cairn.pool.spi.VolumeFormats;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Raw volumes: the file holds the volume's bytes as they are, sparse where nothing was written.
 * The file size is the capacity.
 */
public final class RawFormat implements VolumeFormat {
    /** "QFI\xfb": a qcow2 image must never be served as raw bytes, or writes would wreck it. */
    private static final byte[] QCOW2_MAGIC = {'Q', 'F', 'I', (byte) 0xfb};

    @Override
    public String name() {
        return VolumeFormats.RAW;
    }

    @Override
    public boolean probe(byte[] header) {
        return !VolumeFormat.startsWith(header, QCOW2_MAGIC);
    }

    @Override
    public void create(Path file, long capacityBytes) {
        resize(file, capacityBytes);
    }

    @Override
    public long capacityBytes(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw StorageFailures.translate("read size of " + file.getFileName(), e);
        }
    }

    @Override
    public BlockDevice open(Path file, boolean writable) {
        try {
            FileChannel channel = writable
                    ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)
                    : FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            return new RawDevice(file.getFileName().toString(), channel);
        } catch (IOException e) {
            throw StorageFailures.translate("open " + file.getFileName(), e);
        }
    }

    @Override
    public void resize(Path file, long capacityBytes) {
        // setLength makes a hole, never writes zeroes: growing a raw volume costs no space.
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(capacityBytes);
            raf.getFD().sync();
        } catch (IOException e) {
            throw StorageFailures.translate("set size of " + file.getFileName(), e);
        }
    }
}
