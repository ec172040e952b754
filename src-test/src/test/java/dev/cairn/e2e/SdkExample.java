package dev.cairn.e2e;

import dev.cairn.api.CairnException;
import dev.cairn.api.Connect;
import dev.cairn.api.PoolCreateRequest;
import dev.cairn.api.StoragePool;
import dev.cairn.api.StorageVol;
import dev.cairn.api.StorageVolSnapshot;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The SDK example of the README: a chunk pool, a volume, a branching snapshot tree, and an error.
 * Run as {@code java SdkExample URI POOL_DIRECTORY}; the token, if the service has one, comes from
 * {@code CAIRN_TOKEN}. {@code SdkExampleTest} runs it against a started service.
 */
public final class SdkExample {
    private SdkExample() {
    }

    public static void main(String[] args) throws Exception {
        String uri = args.length > 0 ? args[0] : "http://127.0.0.1:8080";
        String poolDirectory = args.length > 1 ? args[1] : "/tmp/cairn-example";
        try (Connect conn = new Connect(uri, System.getenv("CAIRN_TOKEN"))) {
            StoragePool pool = conn.storagePoolCreate(
                    new PoolCreateRequest("example", "chunk", poolDirectory, 1L << 30, null));
            StorageVol vol = pool.storageVolCreate("vm1", 64L << 20, "raw");

            write(vol, "first boot");
            StorageVolSnapshot installed = vol.snapshotCreate("installed", "clean install");
            write(vol, "experiment");
            vol.snapshotCreate("experiment");
            vol.revertToSnapshot(installed);
            System.out.println("after revert: " + read(vol));
            write(vol, "second try");
            vol.snapshotCreate("second-try");

            for (StorageVolSnapshot root : vol.listAllSnapshots(StorageVol.LIST_ROOTS)) {
                print(root, "");
            }
            System.out.println("current: " + vol.snapshotCurrent().getName());

            try {
                vol.snapshotLookupByName("no-such-snapshot");
            } catch (CairnException e) {
                System.out.println("lookup failed: " + e.getCode());
            }

            vol.delete(StorageVol.DELETE_WITH_SNAPSHOTS);
            pool.undefine(StoragePool.UNDEFINE_PURGE);
        }
    }

    private static void write(StorageVol vol, String text) {
        byte[] bytes = String.format("%-16s", text).getBytes(StandardCharsets.UTF_8);
        vol.upload(new ByteArrayInputStream(bytes), 0, bytes.length);
    }

    private static String read(StorageVol vol) throws Exception {
        try (InputStream in = vol.download(0, 16)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    private static void print(StorageVolSnapshot snapshot, String indent) {
        System.out.println(indent + snapshot.getName() + (snapshot.isCurrent() ? " (current)" : ""));
        for (StorageVolSnapshot child : snapshot.listAllChildren(0)) {
            print(child, indent + "  ");
        }
    }
}
