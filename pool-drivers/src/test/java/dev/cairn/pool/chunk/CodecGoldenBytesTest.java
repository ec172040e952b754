package dev.cairn.pool.chunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The on-disk codecs byte for byte: each expected image is written out here from the documented
 * layout (little-endian), its checksum computed independently, and must equal the encoder's output
 * and decode back to the same value.
 */
class CodecGoldenBytesTest {

    static final HexFormat HEX = HexFormat.of();

    @Test
    void superblockEncodesToTheDocumentedBytesAndBack() {
        StoreLayout layout = new StoreLayout(4096, 2048, 16384, 254);
        Superblock superblock = new Superblock(layout, 7, 0x12345678, 99, 5, 0x1010, 0x0a0b0c0d);
        byte[] expected = new byte[4096];
        put(expected, 0, "434149524e435331"       // "CAIRNCS1"
                + "02000000" + "00100000"           // version 2, chunk size 4096
                + "0700000000000000"                // generation 7
                + "0008000000000000"                // 2048 data chunks
                + "0040000000000000"                // 16384 node blocks
                + "fe000000" + "78563412"           // fanout 254, index CRC
                + "6300000000000000"                // device table root 99
                + "0500000000000000"                // next device id 5
                + "1010000000000000"                // 4112 intent log bytes
                + "0d0c0b0a");                      // intent log CRC
        putLittleEndianInt(expected, 76, crc(expected, 0, 76));

        assertThat(HEX.formatHex(bytes(superblock.encode()))).isEqualTo(HEX.formatHex(expected));
        assertThat(Superblock.decode(ByteBuffer.wrap(expected))).contains(superblock);
    }

    @Test
    void versionOneSuperblockReadsWithAnEmptyIntentLog() {
        StoreLayout layout = new StoreLayout(4096, 2048, 16384, 254);
        byte[] image = new byte[4096];
        put(image, 0, "434149524e435331" + "01000000" + "00100000" + "0700000000000000"
                + "0008000000000000" + "0040000000000000" + "fe000000" + "78563412"
                + "6300000000000000" + "0500000000000000");
        putLittleEndianInt(image, 64, crc(image, 0, 64));

        assertThat(Superblock.decode(ByteBuffer.wrap(image)))
                .contains(new Superblock(layout, 7, 0x12345678, 99, 5, 0, 0));
    }

    @Test
    void superblockWithAFlippedBitIsNotValid() {
        Superblock superblock = new Superblock(new StoreLayout(65536, 100, 1024, 254), 3, 1, 0, 1);
        byte[] image = bytes(superblock.encode());
        image[20] ^= 1;
        assertThat(Superblock.decode(ByteBuffer.wrap(image))).isEmpty();
        assertThat(Superblock.decode(ByteBuffer.allocate(4096))).isEmpty();
    }

    @Test
    void treeNodeEncodesToTheDocumentedBytesAndBack() {
        TreeNode node = new TreeNode(100, TreeKind.MAPPING, 0, 254);
        node.insert(0, 1, 7);
        node.insert(1, 5, 9);
        byte[] expected = new byte[4096];
        put(expected, 0, "434e4f44" + "00000000"   // "CNOD", CRC filled in below
                + "01" + "00" + "0200" + "00000000"   // mapping, level 0, 2 entries, reserved
                + "6400000000000000"                   // own address 100
                + "0100000000000000" + "0500000000000000"   // keys
                + "0700000000000000" + "0900000000000000"); // values
        putLittleEndianInt(expected, 4, crc(expected, 8, 4096));

        assertThat(HEX.formatHex(bytes(node.encode()))).isEqualTo(HEX.formatHex(expected));
        TreeNode decoded = TreeNode.decode(100, ByteBuffer.wrap(expected), 254);
        assertThat(decoded.kind).isEqualTo(TreeKind.MAPPING);
        assertThat(decoded.level).isZero();
        assertThat(decoded.count()).isEqualTo(2);
        assertThat(new long[] {decoded.key(0), decoded.value(0), decoded.key(1), decoded.value(1)})
                .containsExactly(1, 7, 5, 9);
    }

    @Test
    void treeNodeDecodeRejectsDamageAndMisdirectedBlocks() {
        TreeNode node = new TreeNode(100, TreeKind.DEVICES, 1, 254);
        node.insert(0, 4, 200);
        byte[] image = bytes(node.encode());
        assertThatThrownBy(() -> TreeNode.decode(101, ByteBuffer.wrap(image.clone()), 254))
                .hasMessageContaining("records address 100");
        byte[] damaged = image.clone();
        damaged[30] ^= 4;
        assertThatThrownBy(() -> TreeNode.decode(100, ByteBuffer.wrap(damaged), 254))
                .isInstanceOf(ChunkStoreException.class).hasMessageContaining("checksum");
    }

    @Test
    void refcountPageEncodesToTheDocumentedBytesAndBack() {
        RefcountPage page = new RefcountPage(3);
        page.set(0, 1);
        page.set(RefcountPage.ENTRIES - 1, -1);
        byte[] expected = new byte[4096];
        put(expected, 0, "43524546" + "00000000" + "03000000" + "00000000" + "01000000");
        put(expected, 4092, "ffffffff");
        putLittleEndianInt(expected, 4, crc(expected, 8, 4096));

        assertThat(RefcountPage.ENTRIES).isEqualTo(1020);
        assertThat(HEX.formatHex(bytes(page.encode()))).isEqualTo(HEX.formatHex(expected));
        RefcountPage decoded = RefcountPage.decode(3, ByteBuffer.wrap(expected));
        assertThat(decoded.get(0)).isEqualTo(1);
        assertThat(decoded.get(RefcountPage.ENTRIES - 1)).isEqualTo(-1);
        assertThatThrownBy(() -> RefcountPage.decode(4, ByteBuffer.wrap(expected)))
                .hasMessageContaining("records page 3");
    }

    @Test
    void layoutPlacesSuperblocksIndexPagesAndNodesInOrder() {
        StoreLayout layout = new StoreLayout(4096, 2048, 4096, 254);
        assertThat(layout.dataPageCount()).isEqualTo(3);
        assertThat(layout.nodePageCount()).isEqualTo(5);
        assertThat(layout.indexBlockCount()).isEqualTo(1);
        assertThat(layout.indexStartBlock(0)).isEqualTo(2);
        assertThat(layout.indexStartBlock(1)).isEqualTo(3);
        assertThat(layout.pageSlotBlock(0, 0)).isEqualTo(4);
        assertThat(layout.pageSlotBlock(7, 1)).isEqualTo(19);
        assertThat(layout.nodeStart()).isEqualTo(20);
    }

    private static void put(byte[] target, int at, String hex) {
        byte[] bytes = HEX.parseHex(hex);
        System.arraycopy(bytes, 0, target, at, bytes.length);
    }

    private static void putLittleEndianInt(byte[] target, int at, int value) {
        for (int i = 0; i < 4; i++) {
            target[at + i] = (byte) (value >>> (8 * i));
        }
    }

    private static int crc(byte[] bytes, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, to - from);
        return (int) crc.getValue();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.capacity()];
        buffer.duplicate().clear().get(bytes);
        return bytes;
    }
}
