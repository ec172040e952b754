package dev.cairn.qcow2.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RefcountBlockCodecTest {

    private static String firstBytesWithEightOnes(int order, int bytes) {
        byte[] block = new byte[512];
        for (int i = 0; i < 8; i++) {
            RefcountBlockCodec.set(block, i, order, 1);
        }
        return HexFormat.of().formatHex(block, 0, bytes);
    }

    @Test
    void subByteEntriesPackFromTheLeastSignificantBitsAsQemuWritesThem() {
        assertThat(firstBytesWithEightOnes(0, 1)).isEqualTo("ff");
        assertThat(firstBytesWithEightOnes(1, 2)).isEqualTo("5555");
        assertThat(firstBytesWithEightOnes(2, 4)).isEqualTo("11111111");
        assertThat(firstBytesWithEightOnes(4, 4)).isEqualTo("00010001");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6})
    void everyWidthStoresAndReadsItsMaximumWithoutDisturbingNeighbours(int order) {
        byte[] block = new byte[512];
        long max = RefcountBlockCodec.maxRefcount(order);
        RefcountBlockCodec.set(block, 5, order, max);
        assertThat(RefcountBlockCodec.get(block, 5, order)).isEqualTo(max);
        assertThat(RefcountBlockCodec.get(block, 4, order)).isZero();
        assertThat(RefcountBlockCodec.get(block, 6, order)).isZero();
        assertThat(RefcountBlockCodec.entriesPerBlock(9, order)).isEqualTo(4096 >> order);
    }
}
