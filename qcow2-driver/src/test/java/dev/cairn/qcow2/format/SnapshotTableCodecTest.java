package dev.cairn.qcow2.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotTableCodecTest {

    @Test
    void qemuSnapshotEntryDecodesAndReencodesByteForByte() throws Exception {
        byte[] golden = Arrays.copyOf(HeaderCodecTest.golden("qemu72-snapshot-entry.hex"), 72);
        SnapshotEntry entry = SnapshotTableCodec.decode(ByteBuffer.wrap(golden));
        assertThat(entry.id()).isEqualTo("1");
        assertThat(entry.name()).isEqualTo("snap1");
        assertThat(entry.l1TableOffset()).isEqualTo(0x40000);
        assertThat(entry.l1Size()).isEqualTo(1);
        assertThat(entry.diskSizeBytes()).isEqualTo(1 << 20);
        assertThat(entry.icount()).isZero();
        assertThat(entry.vmStateSizeBytes()).isZero();
        assertThat(SnapshotTableCodec.encode(List.of(entry))).isEqualTo(golden);
    }

    @Test
    void shortAndLongExtraDataAreReadAndUnknownExtraBytesPreserved() throws Exception {
        SnapshotEntry entry = new SnapshotEntry(0x50000, 3, "7", "name", 1, 2, 3, 5L << 32, 1 << 30, -1,
                new byte[] {9, 9, 9, 9, 9, 9, 9, 9});
        byte[] encoded = SnapshotTableCodec.encode(List.of(entry, entry.withL1(0x60000, 4)));
        ByteBuffer in = ByteBuffer.wrap(encoded);
        assertThat(SnapshotTableCodec.decode(in)).isEqualTo(entry);
        assertThat(SnapshotTableCodec.decode(in).l1TableOffset()).isEqualTo(0x60000);
        assertThat(ByteBuffer.wrap(encoded).getInt(32)).as("vm_state_size does not fit in 32 bits").isZero();

        ByteBuffer sixteen = ByteBuffer.allocate(64);
        sixteen.putLong(0, 0x70000).putInt(8, 1).putShort(12, (short) 1).putShort(14, (short) 1);
        sixteen.putInt(36, 16).putLong(48, 12345).put(56, (byte) '3').put(57, (byte) 'x');
        SnapshotEntry old = SnapshotTableCodec.decode(sixteen);
        assertThat(old.diskSizeBytes()).isEqualTo(12345);
        assertThat(old.icount()).isEqualTo(-1);
        assertThat(old.id()).isEqualTo("3");
        assertThat(old.name()).isEqualTo("x");
    }
}
