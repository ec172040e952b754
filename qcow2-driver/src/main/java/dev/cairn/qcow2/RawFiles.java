package dev.cairn.qcow2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Raw disk files, created and resized as qemu-img does. An existing file is changed only under QEMU's
 * write lock, so a file a running VM uses is refused ({@link Qcow2LockedException}), as qemu-img refuses it.
 */
public final class RawFiles {

    private RawFiles() {
    }

    /** Makes {@code file} an empty disk of {@code bytes}, all of it a hole (what an existing file held is gone). */
    public static void create(Path file, long bytes) throws IOException {
        setLength(file, bytes, true);
    }

    /** Sets the length of {@code file} to {@code bytes}: what is added is a hole, what lies past the end is gone. */
    public static void resize(Path file, long bytes) throws IOException {
        if (!Files.exists(file)) {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
        setLength(file, bytes, false);
    }

    private static void setLength(Path file, long bytes, boolean empty) throws IOException {
        if (bytes < 0) {
            throw new IllegalArgumentException("a length cannot be negative: " + bytes);
        }
        try (ImageLock lock = Files.exists(file) ? ImageLock.forWriting(file) : null;
                FileChannel raw = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            if (empty || bytes < raw.size()) {
                raw.truncate(empty ? 0 : bytes);
            }
            if (bytes > raw.size()) {
                raw.write(ByteBuffer.allocate(1), bytes - 1); // a hole up to the new last byte
            }
        }
    }
}
