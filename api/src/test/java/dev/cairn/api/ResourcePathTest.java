package dev.cairn.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ResourcePathTest {
    @Test
    void namesAreEncodedOneSegmentAtATime() {
        ResourcePath path = ResourcePath.api().segment("pools").name("pool", "a/b c").segment("volumes")
                .name("volume", "vm-1.img_~");
        assertThat(path).hasToString("/api/v1/pools/a%2Fb%20c/volumes/vm-1.img_~");
    }

    @Test
    void everyByteOutsideTheUnreservedSetIsEncodedAsUtf8() {
        assertThat(ResourcePath.encode("é?#%&=+;@:")).isEqualTo("%C3%A9%3F%23%25%26%3D%2B%3B%40%3A");
        assertThat(ResourcePath.encode("..x")).isEqualTo("..x");
    }

    @Test
    void queryParametersAreEncodedAndNullOnesLeftOut() {
        ResourcePath path = ResourcePath.api().segment("x").query("a", "1 2").query("skipped", null).query("b", true);
        assertThat(path).hasToString("/api/v1/x?a=1%202&b=true");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {".", ".."})
    void namesThatWouldChangeThePathAreRefusedBeforeAnyRequest(String name) {
        assertThatThrownBy(() -> ResourcePath.api().segment("pools").name("pool", name))
                .isInstanceOf(CairnException.class)
                .extracting(e -> ((CairnException) e).getCode()).isEqualTo("INVALID_ARGUMENT");
    }
}
