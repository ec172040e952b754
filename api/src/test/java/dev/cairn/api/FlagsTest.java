package dev.cairn.api;

import static dev.cairn.api.StorageVolSnapshot.DELETE_CHILDREN;
import static dev.cairn.api.StorageVolSnapshot.DELETE_CHILDREN_ONLY;
import static dev.cairn.api.StorageVolSnapshot.DELETE_METADATA_ONLY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class FlagsTest {
    private static final ResourcePath SNAPSHOT = ResourcePath.api().segment("s");

    @Test
    void snapshotDeleteFlagsBecomeTheServiceQuery() {
        assertThat(StorageVolSnapshot.deletePath(SNAPSHOT, 0)).hasToString("/api/v1/s");
        assertThat(StorageVolSnapshot.deletePath(SNAPSHOT, DELETE_CHILDREN)).hasToString("/api/v1/s?children=delete");
        assertThat(StorageVolSnapshot.deletePath(SNAPSHOT, DELETE_CHILDREN_ONLY))
                .hasToString("/api/v1/s?children=only");
        assertThat(StorageVolSnapshot.deletePath(SNAPSHOT, DELETE_METADATA_ONLY))
                .hasToString("/api/v1/s?metadataOnly=true");
        assertThat(StorageVolSnapshot.deletePath(SNAPSHOT, DELETE_CHILDREN | DELETE_METADATA_ONLY))
                .hasToString("/api/v1/s?children=delete&metadataOnly=true");
    }

    @Test
    void flagValuesAreLibvirts() {
        assertThat(new int[] {DELETE_CHILDREN, DELETE_METADATA_ONLY, DELETE_CHILDREN_ONLY}).containsExactly(1, 2, 4);
        assertThat(StorageVol.DELETE_WITH_SNAPSHOTS).isEqualTo(2);
        assertThat(StorageVol.LIST_ROOTS).isEqualTo(1);
        assertThat(StorageVol.LIST_LEAVES).isEqualTo(4);
    }

    @Test
    void childrenAndChildrenOnlyTogetherAreAnInvalidArgument() {
        assertInvalid(() -> StorageVolSnapshot.deletePath(SNAPSHOT, DELETE_CHILDREN | DELETE_CHILDREN_ONLY));
    }

    @Test
    void unknownBitsAreAnInvalidArgument() {
        assertInvalid(() -> StorageVolSnapshot.deletePath(SNAPSHOT, 8));
        assertInvalid(() -> Flags.requireKnown(1 | 2, 1));
        assertThat(Flags.requireKnown(5, 7)).isEqualTo(5);
    }

    private static void assertInvalid(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(CairnException.class)
                .extracting(e -> ((CairnException) e).errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }
}
