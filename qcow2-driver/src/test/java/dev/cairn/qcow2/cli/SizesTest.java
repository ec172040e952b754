package dev.cairn.qcow2.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SizesTest {

    @Test
    void parsesQemuImgSizeArguments() {
        assertThat(Sizes.parse("4096")).isEqualTo(4096);
        assertThat(Sizes.parse("512b")).isEqualTo(512);
        assertThat(Sizes.parse("64K")).isEqualTo(64 << 10);
        assertThat(Sizes.parse("64k")).isEqualTo(64 << 10);
        assertThat(Sizes.parse("1.5G")).isEqualTo(3L << 29);
        assertThat(Sizes.parse("2T")).isEqualTo(2L << 40);
        assertThat(Sizes.parse("7E")).isEqualTo(7L << 60);
    }

    @Test
    void refusesWhatQemuImgRefuses() {
        for (String bad : new String[] {"", "-1", "1.5", "1e3", "12Q", "G", "8E", "99999999999999999999"}) {
            assertThatThrownBy(() -> Sizes.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** The values qemu-img 7.2 printed for the same byte counts (its size_to_str). */
    @Test
    void printsSizesAsQemuImgDoes() {
        assertThat(Sizes.human(0)).isEqualTo("0 B");
        assertThat(Sizes.human(512)).isEqualTo("512 B");
        assertThat(Sizes.human(200_704)).isEqualTo("196 KiB");
        assertThat(Sizes.human(331_776)).isEqualTo("324 KiB");
        assertThat(Sizes.human(4_534_272)).isEqualTo("4.32 MiB");
        assertThat(Sizes.human(64L << 20)).isEqualTo("64 MiB");
        assertThat(Sizes.human(3L << 29)).isEqualTo("1.5 GiB");
        assertThat(Sizes.human(1000L << 10)).as("past 999 the next unit").isEqualTo("0.977 MiB");
    }
}
