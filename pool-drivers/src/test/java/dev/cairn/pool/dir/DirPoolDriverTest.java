package dev.cairn.pool.dir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.pool.spi.BuildOptions;
import dev.cairn.pool.spi.PoolDefinition;
import dev.cairn.pool.spi.PoolDriver;
import dev.cairn.pool.spi.PoolDriverContract;
import dev.cairn.pool.spi.StoredVolume;
import dev.cairn.pool.spi.VolumeRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DirPoolDriverTest extends PoolDriverContract {

    @Override
    protected PoolDriver driver() {
        return new DirPoolDriver();
    }

    @Test
    void volumesAreSparseFilesNamedAsTheVolume() throws IOException {
        StoredVolume volume = pool.createVolume("sparse", 1L << 30, "raw");
        Path file = tempDir.resolve("pool/sparse");
        assertThat(volume.path()).isEqualTo(file.toString());
        assertThat(Files.size(file)).isEqualTo(1L << 30);
        assertThat(FileAllocation.isExact()).as("native stat available").isTrue();
        assertThat(volume.allocationBytes()).isLessThan(1 << 20);
    }

    @Test
    void scanIgnoresLinksBadNamesAndDirectoriesAndNeverServesQcow2AsRaw() throws IOException {
        Path dir = tempDir.resolve("pool");
        Files.write(dir.resolve("good.img"), new byte[512]);
        Files.createSymbolicLink(dir.resolve("link"), Path.of("/etc/passwd"));
        Files.write(dir.resolve("has space"), new byte[1]);
        Files.createDirectory(dir.resolve("subdir"));
        Files.write(dir.resolve("image.qcow2"), new byte[] {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, 3});
        assertThat(pool.scan().volumes()).extracting(StoredVolume::name).containsExactly("good.img");
        assertThat(pool.scan().ignored()).containsExactly("has space: not a valid volume name",
                "image.qcow2: format not supported",
                "link: symbolic link (volumes must be files inside the pool)",
                "subdir: not a regular file");
        assertThatThrownBy(() -> pool.open(new VolumeRef("link", "raw"), false))
                .isInstanceOf(CairnException.class)
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.NO_STORAGE_VOL);
    }

    @Test
    void buildRefusesFilesAndUnwritablePlacesWithoutLeavingAnything() throws IOException {
        Path file = Files.writeString(tempDir.resolve("plain"), "x");
        for (Path bad : new Path[] {file, file.resolve("below"), Path.of("/proc/cairn-test/pool")}) {
            PoolDefinition definition = new PoolDefinition("bad", UUID.randomUUID(), "dir", bad);
            assertThatThrownBy(() -> new DirPoolDriver().build(definition, BuildOptions.DEFAULTS))
                    .isInstanceOf(CairnException.class)
                    .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        }
        assertThat(Files.readString(file)).isEqualTo("x");
        assertThat(Path.of("/proc/cairn-test")).doesNotExist();
    }

    @Test
    void buildCreatesMissingParentsAndKeepsExistingContent() throws IOException {
        Path deep = tempDir.resolve("a/b/c");
        new DirPoolDriver().build(new PoolDefinition("deep", UUID.randomUUID(), "dir", deep), BuildOptions.DEFAULTS);
        Files.writeString(deep.resolve("disk"), "kept");
        new DirPoolDriver().build(new PoolDefinition("deep", UUID.randomUUID(), "dir", deep), BuildOptions.DEFAULTS);
        assertThat(deep.resolve("disk")).hasContent("kept");
        assertThat(deep.resolve(DirPoolDriver.METADATA_DIR)).isDirectory();
    }

    @Test
    void purgeRemovesVolumesMetadataAndTheEmptiedDirectory() {
        pool.createVolume("one", 4096, "raw");
        pool.purge();
        assertThat(tempDir.resolve("pool")).doesNotExist();
    }

    @Test
    void dirPoolsRefuseChunkOptions() {
        PoolDefinition definition = new PoolDefinition("opts", UUID.randomUUID(), "dir", tempDir.resolve("opts"));
        assertThatThrownBy(() -> new DirPoolDriver().build(definition, new BuildOptions(1 << 30, 0)))
                .isInstanceOf(CairnException.class)
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(tempDir.resolve("opts")).doesNotExist();
    }

    @Test
    void startRefusesAMissingDirectory() {
        PoolDefinition gone = new PoolDefinition("gone", UUID.randomUUID(), "dir", tempDir.resolve("nowhere"));
        assertThatThrownBy(() -> new DirPoolDriver().start(gone))
                .isInstanceOf(CairnException.class)
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.OPERATION_INVALID);
    }
}
