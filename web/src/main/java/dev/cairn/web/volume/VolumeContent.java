package dev.cairn.web.volume;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.springframework.stereotype.Component;

/**
 * Streams volume content between HTTP and a volume, one buffer at a time: a transfer never holds more
 * than {@link #BUFFER_BYTES} of it in memory, whatever the volume's size.
 */
@Component
class VolumeContent {
    /** Bytes moved per read or write: large enough to keep disks and sockets busy, small for the heap. */
    static final int BUFFER_BYTES = 1 << 20;

    private final VolumeService volumes;

    VolumeContent(VolumeService volumes) {
        this.volumes = volumes;
    }

    void download(String pool, String volume, String snapshot, String rangeHeader, HttpServletResponse response) {
        volumes.reading(pool, volume, snapshot, device -> {
            long size = device.capacityBytes();
            ByteRange range = ByteRange.parse(rangeHeader, size).orElse(null);
            long first = range == null ? 0 : range.first();
            long length = range == null ? size : range.length();
            response.setStatus(range == null ? HttpServletResponse.SC_OK : HttpServletResponse.SC_PARTIAL_CONTENT);
            response.setContentType("application/octet-stream");
            response.setHeader("Accept-Ranges", "bytes");
            response.setContentLengthLong(length);
            if (range != null) {
                response.setHeader("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
            }
            try {
                copy(device, first, length, response.getOutputStream());
            } catch (IOException e) {
                throw new UncheckedIOException("download of " + pool + "/" + volume + " interrupted", e);
            }
            return null;
        });
    }

    dev.cairn.api.VolumeInfo upload(String pool, String volume, long offset, HttpServletRequest request) {
        long length = request.getContentLengthLong();
        if (length < 0) {
            throw new CairnException(ErrorCode.LENGTH_REQUIRED,
                    "an upload needs a Content-Length, so that its extent is checked before anything is written");
        }
        if (offset < 0) {
            throw CairnException.invalidArgument("offset must be 0 or more, got " + offset);
        }
        return volumes.writing(pool, volume, device -> {
            if (offset > device.capacityBytes() - length) {
                throw CairnException.invalidArgument("upload of " + length + " bytes at offset " + offset
                        + " leaves the volume's capacity of " + device.capacityBytes() + " bytes");
            }
            try {
                receive(request.getInputStream(), device, offset, length);
            } catch (IOException e) {
                throw new UncheckedIOException("upload into " + pool + "/" + volume + " interrupted", e);
            }
        });
    }

    private static void copy(dev.cairn.pool.spi.BlockDevice device, long first, long length, OutputStream out)
            throws IOException {
        byte[] buffer = new byte[(int) Math.min(BUFFER_BYTES, Math.max(length, 1))];
        long done = 0;
        while (done < length) {
            int n = (int) Math.min(buffer.length, length - done);
            device.read(first + done, ByteBuffer.wrap(buffer, 0, n));
            out.write(buffer, 0, n);
            done += n;
        }
        out.flush();
    }

    private static void receive(InputStream in, dev.cairn.pool.spi.BlockDevice device, long offset, long length)
            throws IOException {
        byte[] buffer = new byte[(int) Math.min(BUFFER_BYTES, Math.max(length, 1))];
        long done = 0;
        while (done < length) {
            int want = (int) Math.min(buffer.length, length - done);
            int n = in.readNBytes(buffer, 0, want);
            if (n > 0) {
                device.write(offset + done, ByteBuffer.wrap(buffer, 0, n));
                done += n;
            }
            if (n < want) {
                throw CairnException.invalidArgument("the body ended after " + done + " of " + length
                        + " bytes; the bytes received were written");
            }
        }
    }
}
