package dev.cairn.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResourceNameTest {
    @ParameterizedTest
    @ValueSource(strings = {"a", "vm-01.qcow2", "A_b.c-d", "0", "x.."})
    void acceptsNamesThatStayInsideAPool(String name) {
        assertThat(ResourceName.require("volume", name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", "../x", "a/b", ".hidden", "-opt", "%2e%2e", "nul\u0000", "sp ace", "é"})
    void refusesNamesThatCouldEscapeHideOrConfuse(String name) {
        assertThatThrownBy(() -> ResourceName.require("volume", name))
                .isInstanceOf(CairnException.class)
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }

    @org.junit.jupiter.api.Test
    void lengthLimitIs128() {
        assertThat(ResourceName.isValid("n".repeat(128))).isTrue();
        assertThat(ResourceName.isValid("n".repeat(129))).isFalse();
    }
}
