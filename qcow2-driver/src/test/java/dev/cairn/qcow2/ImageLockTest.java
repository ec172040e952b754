package dev.cairn.qcow2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * QEMU's image locks, against the real qemu-img and qemu-io: an image Cairn writes is refused to
 * QEMU's writers and to its default (not force-shared) readers, and an image a QEMU process writes
 * is refused to Cairn's writers (and not replaced by a create) but readable by Cairn.
 */
class ImageLockTest {

    @TempDir
    Path dir;

    private Path newImage() throws Exception {
        Path file = dir.resolve("disk.qcow2");
        try (Qcow2Image image = Qcow2Image.create(file, Qcow2CreateOptions.ofCapacity(1 << 20))) {
            image.write(0, new byte[] {7}, 0, 1);
        }
        return file;
    }

    @Test
    void anImageCairnWritesIsRefusedToQemuUntilItIsClosed() throws Exception {
        Path file = newImage();
        try (Qcow2Image image = Qcow2Image.open(file, true)) {
            assertThat(QemuTool.io(file, "write 0 4k").stderr()).contains("Failed to get \"write\" lock");
            assertThat(QemuTool.img("info", file.toString()).stderr()).contains("Failed to get shared \"write\" lock");
            QemuTool.img("info", "-U", file.toString()).ok();
            image.write(512, new byte[] {8}, 0, 1);
        }
        QemuTool.io(file, "write -P 9 4k 4k").ok();
        QemuTool.checkClean(file);
    }

    @Test
    void writersInOneProcessShareOneLockUntilTheLastCloses() throws Exception {
        Path file = newImage();
        Qcow2Image first = Qcow2Image.open(file, true);
        try (Qcow2Image second = Qcow2Image.open(file, true)) {
            first.close();
            assertThat(QemuTool.img("info", file.toString()).stderr()).contains("Failed to get shared \"write\" lock");
        }
        QemuTool.img("info", file.toString()).ok();
    }

    /** Waits, without taking any lock itself, until another process holds the "write" permission byte. */
    private static void awaitWriterLock(Path file, Process holder) throws Exception {
        LinuxCalls calls = LinuxCalls.get();
        assertThat(calls).as("OFD locks through jffi on Linux").isNotNull();
        int fd = calls.openReadOnly(file);
        try {
            while (!calls.lockConflicts(fd, LinuxCalls.F_WRLCK, 101, 1)) {
                assertThat(holder.isAlive()).as("qemu-io runs").isTrue();
                Thread.sleep(20);
            }
        } finally {
            calls.close(fd);
        }
    }

    @Test
    @Timeout(60)
    void aRawFileQemuWritesIsNeitherRecreatedNorResizedUntilItLetsGo() throws Exception {
        Path file = dir.resolve("disk.raw");
        RawFiles.create(file, 1 << 20);
        java.nio.file.Files.write(file, new byte[] {5}, java.nio.file.StandardOpenOption.WRITE);
        Process qemu = new ProcessBuilder("qemu-io", "-f", "raw", "-c", "sleep 30000", file.toString())
                .redirectErrorStream(true).start();
        try {
            awaitWriterLock(file, qemu);
            assertThatThrownBy(() -> RawFiles.create(file, 2 << 20)).isInstanceOf(Qcow2LockedException.class);
            assertThatThrownBy(() -> RawFiles.resize(file, 4 << 20)).isInstanceOf(Qcow2LockedException.class)
                    .hasMessageContaining("\"write\" lock");
            Path image = newImage();
            assertThatThrownBy(() -> Qcow2Convert.toRaw(image, file)).as("nor overwritten by a convert")
                    .isInstanceOf(Qcow2LockedException.class);
            assertThat(java.nio.file.Files.size(file)).isEqualTo(1 << 20);
            assertThat(java.nio.file.Files.readAllBytes(file)[0]).isEqualTo((byte) 5);
        } finally {
            qemu.destroy();
            qemu.waitFor(10, TimeUnit.SECONDS);
        }
        RawFiles.resize(file, 4 << 20);
        assertThat(java.nio.file.Files.readAllBytes(file)[0]).as("a resize keeps the content").isEqualTo((byte) 5);
        RawFiles.create(file, 2 << 20);
        assertThat(java.nio.file.Files.readAllBytes(file)).as("a create empties the file").containsOnly(0)
                .hasSize(2 << 20);
    }

    @Test
    @Timeout(60)
    void anImageQemuWritesIsRefusedToCairnsWritersButReadable() throws Exception {
        Path file = newImage();
        Process qemu = new ProcessBuilder("qemu-io", "-f", "qcow2", "-c", "sleep 30000", file.toString())
                .redirectErrorStream(true).start();
        try {
            awaitWriterLock(file, qemu);
            assertThatThrownBy(() -> Qcow2Image.open(file, true)).isInstanceOf(Qcow2LockedException.class)
                    .hasMessageContaining("Failed to get \"write\" lock").hasMessageContaining(file.toString());
            assertThatThrownBy(() -> Qcow2Image.create(file, Qcow2CreateOptions.ofCapacity(2 << 20)))
                    .as("a file in use is not replaced").isInstanceOf(Qcow2LockedException.class);
            try (Qcow2Image reader = Qcow2Image.open(file, false)) {
                byte[] first = new byte[1];
                reader.read(0, first, 0, 1);
                assertThat(first[0]).isEqualTo((byte) 7);
                assertThat(reader.capacityBytes()).isEqualTo(1 << 20);
            }
        } finally {
            qemu.destroy();
            qemu.waitFor(10, TimeUnit.SECONDS);
        }
        try (Qcow2Image image = Qcow2Image.open(file, true)) {
            image.write(0, new byte[] {1}, 0, 1);
        }
        QemuTool.checkClean(file);
    }
}
