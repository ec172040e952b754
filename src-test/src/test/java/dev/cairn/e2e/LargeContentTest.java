package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.web.testing.CairnProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Content is streamed, never buffered whole: 4 GiB go up and come back through a service whose heap is
 * 256 MiB ({@link CairnProcess} starts it with -Xmx256m), byte for byte.
 */
class LargeContentTest {
    private static final long SIZE = 4L << 30;

    @Test
    void fourGibibytesGoUpAndComeBackThroughA256MibHeap() throws Exception {
        CairnProcess service = SharedService.get();
        SharedService.api().contentType("application/json")
                .body(java.util.Map.of("name", "huge", "capacity", SIZE))
                .post("/api/v1/pools/default/volumes").then().statusCode(201);
        String content = service.baseUri() + "/api/v1/pools/default/volumes/huge/content";
        HttpClient client = HttpClient.newHttpClient();
        try {
            PatternStream sent = new PatternStream(SIZE);
            HttpResponse<String> upload = client.send(HttpRequest.newBuilder(URI.create(content))
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> sent),
                            SIZE)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);

            HttpResponse<InputStream> download = client.send(HttpRequest.newBuilder(URI.create(content)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.headers().firstValueAsLong("Content-Length")).hasValue(SIZE);
            assertThat(sha256(download.body())).isEqualTo(sent.digest());
            assertThat(service.output()).doesNotContain("OutOfMemoryError");
        } finally {
            SharedService.api().delete("/api/v1/pools/default/volumes/huge").then().statusCode(204);
        }
    }

    private static String sha256(InputStream in) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 20];
        long total = 0;
        try (in) {
            for (int n; (n = in.read(buffer)) > 0; total += n) {
                digest.update(buffer, 0, n);
            }
        }
        assertThat(total).isEqualTo(SIZE);
        return HexFormat.of().formatHex(digest.digest());
    }

    /** {@code size} bytes of a pseudo-random pattern that varies per MiB, hashed as they are read. */
    private static final class PatternStream extends InputStream {
        private final long size;
        private final byte[] block = new byte[1 << 20];
        private final MessageDigest digest;
        private long position;

        PatternStream(long size) throws NoSuchAlgorithmException {
            this.size = size;
            this.digest = MessageDigest.getInstance("SHA-256");
            new Random(42).nextBytes(block);
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("read in blocks");
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int inBlock = (int) (position % block.length);
            int n = (int) Math.min(Math.min(len, block.length - inBlock), size - position);
            long blockIndex = position / block.length;
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) (block[inBlock + i] ^ blockIndex);
            }
            digest.update(b, off, n);
            position += n;
            return n;
        }

        String digest() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }
}
