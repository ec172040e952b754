package dev.cairn.pool.delta;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;

/**
 * Jazzer target for the delta reader: whatever the bytes, reading either completes or fails with
 * {@link DeltaFormatException}; any other exception, an out-of-memory error or a hang is a finding. In a
 * plain build it runs over the seeds in {@code DeltaReaderFuzzTestInputs}; with {@code JAZZER_FUZZ=1} it
 * fuzzes (README, "Fuzzing").
 */
class DeltaReaderFuzzTest {

    @FuzzTest(maxDuration = "3m")
    void readerRefusesOrAcceptsWithoutOtherFailures(byte[] input) throws IOException {
        DeltaReader reader = new DeltaReader(new ByteArrayInputStream(input));
        try {
            for (Optional<DeltaRecord> record = reader.next(); record.isPresent(); record = reader.next()) {
                if (record.get() instanceof DeltaRecord.Data data && data.bytes().length == 0) {
                    throw new AssertionError("an empty data record was handed out");
                }
            }
            if (!reader.complete()) {
                throw new AssertionError("the reader stopped without completing or refusing");
            }
        } catch (DeltaFormatException refused) {
            if (reader.complete()) {
                throw new AssertionError("a complete stream was refused", refused);
            }
        }
    }

    /**
     * Frames fuzzed payloads correctly (CRC32C, count and SHA-256 in the end record), so that the fuzzer gets
     * past the checksums to the header and record rules; a stream the reader accepts must keep them.
     */
    @FuzzTest(maxDuration = "3m")
    void framedRecordsAreRefusedOrComplete(FuzzedDataProvider data) throws IOException {
        java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
        java.security.MessageDigest sha256 = DeltaWriter.newSha256();
        stream.write(DeltaCodec.MAGIC);
        stream.write(java.nio.ByteBuffer.allocate(4).putInt(DeltaCodec.VERSION).array());
        int records = data.consumeInt(0, 8);
        long count = 0;
        for (int i = 0; i <= records; i++) {
            int type = i == 0 ? DeltaCodec.TYPE_HEADER : data.consumeInt(1, 7);
            frame(stream, type, data.consumeBytes(data.consumeInt(0, 200)));
            count++;
        }
        sha256.update(stream.toByteArray());
        long claimed = data.consumeBoolean() ? count : data.consumeLong();
        frame(stream, DeltaCodec.TYPE_END, java.nio.ByteBuffer.allocate(DeltaCodec.END_PAYLOAD_BYTES)
                .putLong(claimed).put(sha256.digest()).array());

        DeltaReader reader = new DeltaReader(new ByteArrayInputStream(stream.toByteArray()));
        try {
            DeltaHeader header = reader.header();
            long capacity = header.baseCapacityBytes();
            for (Optional<DeltaRecord> record = reader.next(); record.isPresent(); record = reader.next()) {
                capacity = checkWithin(record.get(), capacity);
            }
            if (capacity != header.capacityBytes()) {
                throw new AssertionError("accepted a stream ending at capacity " + capacity);
            }
        } catch (DeltaFormatException refused) {
            // Most fuzzed payloads break a rule.
        }
    }

    private static long checkWithin(DeltaRecord record, long capacity) {
        if (record instanceof DeltaRecord.Resize resize) {
            return resize.capacityBytes();
        }
        long offset = record instanceof DeltaRecord.Data d ? d.offsetBytes() : ((DeltaRecord.Zero) record).offsetBytes();
        long length = record instanceof DeltaRecord.Data d ? d.lengthBytes() : ((DeltaRecord.Zero) record).lengthBytes();
        if (offset < 0 || length <= 0 || offset + length > capacity || offset + length < 0) {
            throw new AssertionError("accepted range " + offset + "+" + length + " beyond capacity " + capacity);
        }
        return capacity;
    }

    private static void frame(java.io.ByteArrayOutputStream out, int type, byte[] payload) throws IOException {
        java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(8).putInt(type).putInt(payload.length);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(head.array());
        crc.update(payload);
        out.write(head.array());
        out.write(payload);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
