package dev.cairn.e2e;

import static dev.cairn.e2e.SdkContractTest.assertCode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.api.CairnException;
import dev.cairn.api.Connect;
import dev.cairn.api.StoragePool;
import dev.cairn.web.testing.CairnProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connecting: to a service with a token, with a wrong or no token, and to a service that is gone. */
class SdkConnectTest {
    private static final String TOKEN = "sdk-s3cret";

    @Test
    void theTokenConstructorOpensAServiceClosedByAToken(@TempDir Path dir) {
        String uri;
        try (CairnProcess service = CairnProcess.start(dir.resolve("data"), "--cairn.security.token=" + TOKEN);
             Connect connect = new Connect(service.baseUri(), TOKEN)) {
            uri = service.baseUri();
            assertThat(connect.listStoragePools()).containsExactly("default");
            StoragePool made = connect.storagePoolCreate("made", "dir", dir.resolve("made").toString());
            assertThat(connect.listStoragePools()).containsExactlyInAnyOrder("default", "made");
            assertThat(Arrays.asList(connect.listAllStoragePools())).contains(made);
            made.storageVolCreate("vm", 1 << 20, "raw");
            assertThat(made.listAllVolumes()).extracting(volume -> volume.getName()).containsExactly("vm");

            try (Connect anonymous = new Connect(uri); Connect nullToken = new Connect(uri, null);
                 Connect wrong = new Connect(uri, "not-the-token")) {
                assertCode("UNAUTHORIZED", anonymous::listStoragePools);
                assertCode("UNAUTHORIZED", nullToken::listStoragePools);
                assertCode("UNAUTHORIZED", () -> wrong.storagePoolLookupByName("made").undefine());
            }
            assertThat(made.getInfo().volumeCount()).isEqualTo(1);
        }
        try (Connect afterStop = new Connect(uri, TOKEN)) {
            assertThatThrownBy(afterStop::listStoragePools).isInstanceOf(CairnException.class)
                    .hasCauseInstanceOf(IOException.class)
                    .satisfies(e -> assertThat(((CairnException) e).getCode()).isEqualTo("STORAGE_ERROR"))
                    .satisfies(e -> assertThat(((CairnException) e).context()).containsEntry("service", uri));
        }
    }
}
