package dev.cairn.qcow2.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.qcow2.Qcow2CorruptException;
import dev.cairn.qcow2.Qcow2UnsupportedException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderCodecTest {

    static byte[] golden(String resource) throws Exception {
        try (InputStream in = HeaderCodecTest.class.getResourceAsStream("/" + resource)) {
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
        }
    }

    private static Qcow2Header decode(byte[] bytes) throws Exception {
        byte[] cluster = Arrays.copyOf(bytes, Math.max(bytes.length, 4096));
        return HeaderCodec.decode(ByteBuffer.wrap(cluster));
    }

    @Test
    void qemuV3OverlayHeaderDecodesAndReencodesByteForByte() throws Exception {
        byte[] golden = golden("qemu72-overlay-header.hex");
        Qcow2Header header = HeaderCodec.decode(ByteBuffer.wrap(Arrays.copyOf(golden, 65536)));
        assertThat(header.version()).isEqualTo(3);
        assertThat(header.clusterBits()).isEqualTo(16);
        assertThat(header.sizeBytes()).isEqualTo(1L << 30);
        assertThat(header.l1Size()).isEqualTo(2);
        assertThat(header.l1TableOffset()).isEqualTo(0x30000);
        assertThat(header.refcountTableOffset()).isEqualTo(0x10000);
        assertThat(header.refcountTableClusters()).isEqualTo(1);
        assertThat(header.refcountOrder()).isEqualTo(4);
        assertThat(header.headerLength()).isEqualTo(112);
        assertThat(header.backingFileName()).isEqualTo("base.qcow2");
        assertThat(header.backingFormat()).isEqualTo("qcow2");
        assertThat(header.unknownExtensions()).isEmpty();
        assertThat(HeaderCodec.encode(header)).isEqualTo(Arrays.copyOf(golden, 0x210 + 10));
    }

    @Test
    void qemuV2OverlayHeaderDecodesAndReencodesByteForByte() throws Exception {
        byte[] golden = golden("qemu72-v2-overlay-header.hex");
        Qcow2Header header = decode(golden);
        assertThat(header.version()).isEqualTo(2);
        assertThat(header.refcountOrder()).isEqualTo(4);
        assertThat(header.headerLength()).isEqualTo(72);
        assertThat(header.backingFileName()).isEqualTo("base.qcow2");
        assertThat(header.backingFormat()).isEqualTo("qcow2");
        assertThat(HeaderCodec.encode(header)).isEqualTo(Arrays.copyOf(golden, 0x60 + 10));
    }

    @Test
    void unknownExtensionsAndHeaderFieldsArePreservedByteForByte() throws Exception {
        byte[] payload = {1, 2, 3, 4, 5};
        Qcow2Header header = new Qcow2Header(3, 16, 1 << 20, 0, 1, 0x30000, 0x10000, 1, 0, 0, 0, 0, 0, 4, 120, 0,
                new byte[] {0, 0, 0, 0, 0, 0, 0, 9, 8, 7, 6, 5, 4, 3, 2}, "", "",
                List.of(new HeaderExtension(0x12345678, payload)));
        byte[] encoded = HeaderCodec.encode(header);
        Qcow2Header decoded = decode(encoded);
        assertThat(decoded).isEqualTo(header);
        assertThat(decoded.unknownExtensions().get(0).data()).containsExactly(payload);
        assertThat(HeaderCodec.encode(decoded)).isEqualTo(encoded);
        int extensionStart = 120 + 8 + 384;
        assertThat(ByteBuffer.wrap(encoded).getInt(extensionStart)).isEqualTo(0x12345678);
        assertThat(ByteBuffer.wrap(encoded).getInt(extensionStart + 4)).isEqualTo(5);
    }

    @Test
    void smallClusterHeadersCarryNoFeatureTableAsQemuDoes() throws Exception {
        Qcow2Header header = Qcow2Header.fresh(3, 12, 1 << 20, 4).withRefcountTable(4096, 1);
        byte[] encoded = HeaderCodec.encode(header);
        assertThat(encoded).hasSize(112 + 8);
        Qcow2Header large = Qcow2Header.fresh(3, 13, 1 << 20, 4).withRefcountTable(8192, 1);
        assertThat(HeaderCodec.encode(large)).hasSize(112 + 8 + 384 + 8);
    }

    @Test
    void unknownIncompatibleBitIsRefusedNamingTheBit() throws Exception {
        byte[] golden = golden("qemu72-overlay-header.hex");
        ByteBuffer.wrap(golden).putLong(72, 1L << 5);
        assertThatThrownBy(() -> decode(golden)).isInstanceOf(Qcow2UnsupportedException.class)
                .hasMessageContaining("bit 5");
        ByteBuffer.wrap(golden).putLong(72, Features.INCOMPAT_EXTL2);
        assertThatThrownBy(() -> decode(golden)).isInstanceOf(Qcow2UnsupportedException.class)
                .hasMessageContaining("extended L2 entries (bit 4)");
    }

    @Test
    void dirtyAndCorruptBitsDecodeAsFlags() throws Exception {
        byte[] golden = golden("qemu72-overlay-header.hex");
        ByteBuffer.wrap(golden).putLong(72, Features.INCOMPAT_DIRTY | Features.INCOMPAT_CORRUPT);
        ByteBuffer.wrap(golden).putLong(80, Features.COMPAT_LAZY_REFCOUNTS);
        Qcow2Header header = decode(golden);
        assertThat(header.incompatibleFeatures()).isEqualTo(3);
        assertThat(header.compatibleFeatures()).isEqualTo(1);
    }

    @Test
    void headerLength104WithoutCompressionTypeIsAccepted() throws Exception {
        Qcow2Header header = new Qcow2Header(3, 16, 1 << 20, 0, 1, 0x30000, 0x10000, 1, 0, 0, 0, 0, 0, 4, 104, 0,
                new byte[0], "", "", List.of());
        Qcow2Header decoded = decode(HeaderCodec.encode(header));
        assertThat(decoded.headerLength()).isEqualTo(104);
        assertThat(decoded).isEqualTo(header);
    }

    @Test
    void hostileFieldsAreRefusedWithTheFieldName() throws Exception {
        byte[] golden = golden("qemu72-overlay-header.hex");
        ByteBuffer.wrap(golden).putInt(36, Integer.MAX_VALUE);
        assertThatThrownBy(() -> decode(golden)).isInstanceOf(Qcow2CorruptException.class).hasMessageContaining("l1_size");
        byte[] snapshots = golden("qemu72-overlay-header.hex");
        ByteBuffer.wrap(snapshots).putInt(60, 1_000_000);
        assertThatThrownBy(() -> decode(snapshots)).isInstanceOf(Qcow2CorruptException.class)
                .hasMessageContaining("nb_snapshots");
        byte[] misaligned = golden("qemu72-overlay-header.hex");
        ByteBuffer.wrap(misaligned).putLong(48, 0x10200);
        assertThatThrownBy(() -> decode(misaligned)).isInstanceOf(Qcow2CorruptException.class)
                .hasMessageContaining("refcount_table_offset");
        byte[] magic = golden("qemu72-overlay-header.hex");
        magic[0] = 0;
        assertThatThrownBy(() -> decode(magic)).isInstanceOf(Qcow2CorruptException.class).hasMessageContaining("magic");
        byte[] extension = golden("qemu72-overlay-header.hex");
        ByteBuffer.wrap(extension).putInt(0x74, 100_000);
        assertThatThrownBy(() -> decode(extension)).isInstanceOf(Qcow2CorruptException.class)
                .hasMessageContaining("header extension");
        assertThatThrownBy(() -> decode(Arrays.copyOf(golden, 50))).isInstanceOf(Qcow2CorruptException.class);
    }

    @Test
    void aHeaderThatCannotBeRewrittenInClusterZeroIsUnsupportedNotABug() throws Exception {
        // Found by Qcow2ParserFuzzTest: 512-byte clusters, extensions and backing name filling cluster 0.
        byte[] finding;
        try (java.io.InputStream in = getClass().getResourceAsStream("/dev/cairn/qcow2/Qcow2ParserFuzzTestInputs/"
                + "headerAndSnapshotEntriesParseOrAreRefused/finding-header-rewrite-overflows-cluster-0")) {
            finding = in.readAllBytes();
        }
        Qcow2Header header = decode(finding);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HeaderCodec.encode(header))
                .isInstanceOf(dev.cairn.qcow2.Qcow2UnsupportedException.class)
                .hasMessageContaining("does not fit in cluster 0");
    }
}
