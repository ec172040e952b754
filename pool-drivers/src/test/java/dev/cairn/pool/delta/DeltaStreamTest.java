package dev.cairn.pool.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.ErrorCode;
import dev.cairn.pool.delta.DeltaFormatException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** The delta stream codec against docs/delta-format.md: exact bytes, round trips and every refusal. */
class DeltaStreamTest {

    static final HexFormat HEX = HexFormat.of();
    static final SnapshotIdentity TARGET = new SnapshotIdentity(
            UUID.fromString("00112233-4455-6677-8899-aabbccddeeff"), "t");

    /** The worked example of docs/delta-format.md: a full image of 1 KiB holding "abcd" at 0. */
    static byte[] tinyStream() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DeltaWriter writer = new DeltaWriter(out, DeltaHeader.full(1024, 512, TARGET));
        writer.resize(1024);
        writer.data(0, "abcd".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 4);
        writer.zero(512, 512);
        writer.finish();
        return out.toByteArray();
    }

    @Test
    void tinyStreamHasTheDocumentedBytes() throws Exception {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(HEX.parseHex("894344454c54410a" + "00000001"));
        record(expected, 1, "0000000000000400" + "0000000000000000" + "00000200" + "00000001"
                + "00112233445566778899aabbccddeeff" + "00000000000000000000000000000000"
                + "0001" + "74" + "0000");
        record(expected, 4, "0000000000000400");
        record(expected, 2, "0000000000000000" + "00000004" + "61626364");
        record(expected, 3, "0000000000000200" + "0000000000000200");
        byte[] hashed = expected.toByteArray();
        record(expected, 5, "0000000000000004" + HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(hashed)));

        assertThat(HEX.formatHex(tinyStream())).isEqualTo(HEX.formatHex(expected.toByteArray()));
        assertThat(HEX.formatHex(tinyStream())).isEqualTo(DOCUMENTED_HEX);
    }

    /** The hex dump printed in docs/delta-format.md, joined. */
    static final String DOCUMENTED_HEX = ""
            + "894344454c54410a" + "00000001"
            + "00000001" + "0000003d"
            + "0000000000000400" + "0000000000000000" + "00000200" + "00000001"
            + "00112233445566778899aabbccddeeff" + "00000000000000000000000000000000"
            + "0001" + "74" + "0000" + "7fe000cc"
            + "00000004" + "00000008" + "0000000000000400" + "77c1e835"
            + "00000002" + "00000010" + "0000000000000000" + "00000004" + "61626364" + "481580b7"
            + "00000003" + "00000010" + "0000000000000200" + "0000000000000200" + "cbf0b349"
            + "00000005" + "00000028" + "0000000000000004"
            + "f257039f46ee7e0700426e1d5b3eb41f2b0c2f383f272541694c8747ba82865c" + "3e106b3f";

    @Test
    void tinyStreamReadsBackAsWritten() throws Exception {
        DeltaReader reader = new DeltaReader(new ByteArrayInputStream(tinyStream()));
        assertThat(reader.header()).isEqualTo(DeltaHeader.full(1024, 512, TARGET));
        assertThat(reader.complete()).isFalse();
        List<DeltaRecord> records = readAll(reader);
        assertThat(records).hasSize(3);
        assertThat(records.get(0)).isEqualTo(new DeltaRecord.Resize(1024));
        DeltaRecord.Data data = (DeltaRecord.Data) records.get(1);
        assertThat(data.offsetBytes()).isZero();
        assertThat(new String(data.bytes(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("abcd");
        assertThat(records.get(2)).isEqualTo(new DeltaRecord.Zero(512, 512));
        assertThat(reader.complete()).isTrue();
        assertThat(reader.recordCount()).isEqualTo(4);
    }

    @Test
    void incrementalStreamRoundTripsLargeDataAsRecordsOfAtMostOneMebibyte() throws Exception {
        SnapshotIdentity base = new SnapshotIdentity(UUID.randomUUID(), "base-snapshot");
        SnapshotIdentity target = new SnapshotIdentity(UUID.randomUUID(), "target-\u00e9t\u00e9");
        DeltaHeader header = DeltaHeader.incremental(16L << 20, 8L << 20, 65536, base, target);
        byte[] payload = new byte[(5 << 20) / 2];
        new Random(7).nextBytes(payload);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DeltaWriter writer = new DeltaWriter(out, header);
        writer.zero(0, 4096);
        writer.resize(16L << 20);
        writer.data(8L << 20, payload, 0, payload.length);
        writer.finish();

        DeltaReader reader = new DeltaReader(new ByteArrayInputStream(out.toByteArray()));
        assertThat(reader.header()).isEqualTo(header);
        List<DeltaRecord> records = readAll(reader);
        assertThat(records).hasSize(5);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        long expectedOffset = 8L << 20;
        for (DeltaRecord record : records.subList(2, 5)) {
            DeltaRecord.Data data = (DeltaRecord.Data) record;
            assertThat(data.offsetBytes()).isEqualTo(expectedOffset);
            assertThat(data.bytes().length).isLessThanOrEqualTo(DeltaWriter.DATA_BYTES_PER_RECORD);
            joined.write(data.bytes());
            expectedOffset += data.bytes().length;
        }
        assertThat(joined.toByteArray()).isEqualTo(payload);
    }

    @Test
    void truncationAtEveryByteIsRefusedAsTruncated() throws Exception {
        byte[] stream = tinyStream();
        for (int length = 0; length < stream.length; length++) {
            byte[] cut = Arrays.copyOf(stream, length);
            assertThatThrownBy(() -> DeltaReader.verify(new ByteArrayInputStream(cut)))
                    .as("stream cut to %d bytes", length)
                    .isInstanceOfSatisfying(DeltaFormatException.class, e -> {
                        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_DELTA);
                        assertThat(e.reason()).isEqualTo(Reason.TRUNCATED);
                    });
        }
        assertThat(DeltaReader.verify(new ByteArrayInputStream(stream))).isEqualTo(DeltaHeader.full(1024, 512, TARGET));
    }

    @Test
    void everyFlippedBitIsRefused() throws Exception {
        byte[] stream = tinyStream();
        for (int i = 0; i < stream.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = stream.clone();
                flipped[i] ^= (byte) (1 << bit);
                assertThatThrownBy(() -> DeltaReader.verify(new ByteArrayInputStream(flipped)))
                        .as("bit %d of byte %d flipped", bit, i)
                        .isInstanceOf(DeltaFormatException.class);
            }
        }
    }

    @Test
    void aTruncatedStreamHandsOutRecordsButNeverCompletes() throws Exception {
        byte[] stream = tinyStream();
        DeltaReader reader = new DeltaReader(new ByteArrayInputStream(Arrays.copyOf(stream, stream.length - 1)));
        assertThat(reader.next()).isPresent();
        assertThat(reader.next()).isPresent();
        assertThat(reader.next()).isPresent();
        assertThat(reader.complete()).isFalse();
        assertThatThrownBy(reader::next).isInstanceOf(DeltaFormatException.class);
        assertThat(reader.complete()).isFalse();
    }

    @Test
    void unknownRecordTypesAreSkippedButStillChecked() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DeltaWriter writer = new DeltaWriter(out, DeltaHeader.full(4096, 4096, TARGET));
        writer.writeRecord(0x1000, "future extension".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        writer.resize(4096);
        writer.writeRecord(0xffffffff, new byte[100_000]);
        writer.zero(0, 4096);
        writer.finish();
        byte[] stream = out.toByteArray();

        DeltaReader reader = new DeltaReader(new ByteArrayInputStream(stream));
        assertThat(readAll(reader)).containsExactly(new DeltaRecord.Resize(4096), new DeltaRecord.Zero(0, 4096));
        assertThat(reader.recordCount()).isEqualTo(5);

        byte[] corrupted = stream.clone();
        corrupted[DeltaCodec.PREAMBLE_BYTES + 8 + 61 + 4 + 8 + 3] ^= 1;
        assertThatThrownBy(() -> DeltaReader.verify(new ByteArrayInputStream(corrupted)))
                .isInstanceOfSatisfying(DeltaFormatException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.BAD_CHECKSUM));
    }

    @Test
    void badMagicUnknownVersionAndTrailingBytesAreRefused() throws Exception {
        byte[] stream = tinyStream();
        byte[] magic = stream.clone();
        magic[1] = 'X';
        assertReason(magic, Reason.BAD_MAGIC);
        byte[] version = stream.clone();
        version[11] = 2;
        assertReason(version, Reason.UNSUPPORTED_VERSION);
        byte[] trailing = Arrays.copyOf(stream, stream.length + 1);
        assertReason(trailing, Reason.TRAILING_BYTES);
        assertReason(new byte[0], Reason.TRUNCATED);
    }

    @Test
    void aHostileLengthIsRefusedWithoutReadingOrAllocatingIt() throws Exception {
        byte[] head = Arrays.copyOf(tinyStream(), DeltaCodec.PREAMBLE_BYTES + 8 + 61 + 4);
        ByteBuffer hostile = ByteBuffer.allocate(head.length + 8).put(head).putInt(0x77).putInt(0xfffffff0);
        InputStream endless = new java.io.SequenceInputStream(new ByteArrayInputStream(hostile.array()),
                new InputStream() {
                    @Override
                    public int read() {
                        throw new AssertionError("the reader must not read a refused payload");
                    }
                });
        DeltaReader reader = new DeltaReader(endless);
        assertThatThrownBy(reader::next).isInstanceOfSatisfying(DeltaFormatException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED));
    }

    @Test
    void rangesBeyondTheCapacityInForceAreRefusedByWriterAndReader() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DeltaWriter writer = new DeltaWriter(out, DeltaHeader.full(1024, 512, TARGET));
        assertThatThrownBy(() -> writer.zero(0, 512)).isInstanceOf(IllegalArgumentException.class);
        writer.resize(512);
        assertThatThrownBy(writer::finish).isInstanceOf(IllegalStateException.class);
        // A hand-made record past the capacity in force, correctly framed, is refused by the reader.
        writer.writeRecord(DeltaCodec.TYPE_ZERO, ByteBuffer.allocate(16).putLong(0).putLong(1024).array());
        writer.resize(1024);
        writer.finish();
        assertReason(out.toByteArray(), Reason.MALFORMED);
    }

    @Test
    void headerRulesAreEnforced() {
        assertThatThrownBy(() -> new SnapshotIdentity(new UUID(0, 0), "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SnapshotIdentity(UUID.randomUUID(), "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeltaHeader.full(1024, 1000, TARGET)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeltaHeader(1024, 512, 512, TARGET, Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeltaHeader.incremental(1, 1, 512, TARGET, TARGET))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertReason(byte[] stream, Reason reason) {
        assertThatThrownBy(() -> DeltaReader.verify(new ByteArrayInputStream(stream)))
                .isInstanceOfSatisfying(DeltaFormatException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    static List<DeltaRecord> readAll(DeltaReader reader) throws IOException {
        List<DeltaRecord> records = new ArrayList<>();
        for (Optional<DeltaRecord> r = reader.next(); r.isPresent(); r = reader.next()) {
            records.add(r.get());
        }
        return records;
    }

    private static void record(ByteArrayOutputStream out, int type, String payloadHex) throws IOException {
        byte[] payload = HEX.parseHex(payloadHex);
        ByteBuffer head = ByteBuffer.allocate(8).putInt(type).putInt(payload.length);
        CRC32C crc = new CRC32C();
        crc.update(head.array());
        crc.update(payload);
        out.write(head.array());
        out.write(payload);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
