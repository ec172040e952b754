package dev.cairn.qcow2;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cairn.qcow2.format.HeaderCodec;
import dev.cairn.qcow2.format.Qcow2Header;
import dev.cairn.qcow2.format.SnapshotTableCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Jazzer targets for everything that parses qcow2 metadata from untrusted bytes: the header (with its
 * extensions and backing file name), snapshot table entries, and opening, checking and reading a whole
 * image. Refusals must be {@link Qcow2Exception}s (or {@link IOException}s); any other exception, an
 * out-of-memory error or a hang is a finding. A plain build runs the seeds in
 * {@code Qcow2ParserFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes (README, "Fuzzing").
 */
class Qcow2ParserFuzzTest {

    private static final Path IMAGE = temporaryImage();

    private static Path temporaryImage() {
        try {
            Path file = Files.createTempFile("cairn-fuzz-", ".qcow2");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "3m")
    void headerAndSnapshotEntriesParseOrAreRefused(byte[] input) {
        try {
            Qcow2Header header = HeaderCodec.decode(ByteBuffer.wrap(input));
            HeaderCodec.encode(header);
        } catch (Qcow2Exception refused) {
            // A refusal is the expected outcome for most inputs.
        }
        try {
            ByteBuffer entry = ByteBuffer.wrap(input);
            if (input.length >= SnapshotTableCodec.FIXED_BYTES) {
                SnapshotTableCodec.entryLength(entry.duplicate());
            }
            SnapshotTableCodec.decode(entry);
        } catch (Qcow2Exception refused) {
            // As above.
        }
    }

    @FuzzTest(maxDuration = "3m")
    void imagesOpenCheckAndReadOrAreRefused(byte[] input) throws IOException {
        Files.write(IMAGE, input);
        try (Qcow2Image image = Qcow2Image.open(IMAGE, false)) {
            image.check();
            byte[] buffer = new byte[4096];
            image.read(0, buffer, 0, (int) Math.min(buffer.length, image.capacityBytes()));
            image.changedRanges(null, null, (offset, length, zero) -> { });
            for (Qcow2Snapshot snapshot : image.snapshots()) {
                SnapshotReader reader = image.snapshotReader(snapshot.id());
                reader.read(0, buffer, 0, (int) Math.min(buffer.length, reader.capacityBytes()));
                image.changedRanges(snapshot.id(), null, (offset, length, zero) -> { });
            }
        } catch (Qcow2Exception refused) {
            // Corrupt or unsupported metadata: the refusal this target expects.
        } catch (java.nio.file.NoSuchFileException missingBacking) {
            // A backing file name that names nothing.
        }
    }
}
