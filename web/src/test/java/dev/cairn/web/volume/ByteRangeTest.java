package dev.cairn.web.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ByteRangeTest {
    @Test
    void singleRangesAreServedAndClippedToTheEnd() {
        assertThat(ByteRange.parse("bytes=0-99", 1000)).contains(new ByteRange(0, 99));
        assertThat(ByteRange.parse("bytes=900-", 1000)).contains(new ByteRange(900, 999));
        assertThat(ByteRange.parse("bytes=900-5000", 1000)).contains(new ByteRange(900, 999));
        assertThat(ByteRange.parse("bytes=-10", 1000)).contains(new ByteRange(990, 999));
        assertThat(ByteRange.parse("bytes=-5000", 1000)).contains(new ByteRange(0, 999));
        assertThat(ByteRange.parse(" bytes=5-5 ", 1000).map(ByteRange::length)).contains(1L);
    }

    @Test
    void rangesThisServerDoesNotServeMeanTheWholeContent() {
        for (String header : new String[] {null, "bytes=5-1", "bytes=0-1,5-6", "items=0-1", "bytes=-", "bytes=x-1",
                "bytes=99999999999999999999-"}) {
            assertThat(ByteRange.parse(header, 1000)).as(header).isEqualTo(Optional.empty());
        }
    }

    @Test
    void rangesStartingPastTheEndAreUnsatisfiable() {
        for (String header : new String[] {"bytes=1000-", "bytes=1000-2000", "bytes=2000-10", "bytes=-0"}) {
            assertThatThrownBy(() -> ByteRange.parse(header, 1000)).as(header)
                    .isInstanceOf(CairnException.class)
                    .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.RANGE_NOT_SATISFIABLE);
        }
    }
}
