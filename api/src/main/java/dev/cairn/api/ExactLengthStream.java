package dev.cairn.api;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The caller's data as an upload body: at most {@code length} bytes of it (all of it when the length is
 * unknown), remembering why reading failed so the upload can say whose fault it was. Closing it leaves
 * the caller's stream open: the caller opened it and closes it.
 *
 * <p>Read by one thread at a time (the HTTP client's); the failure is published through a volatile field.
 */
final class ExactLengthStream extends InputStream {
    private final InputStream data;
    private final long length;
    private long remaining;
    private volatile IOException readFailure;

    /** @param length bytes to deliver, or -1 for everything {@code data} holds */
    ExactLengthStream(InputStream data, long length) {
        if (data == null) {
            throw CairnException.invalidArgument("the data to upload is required");
        }
        this.data = data;
        this.length = length;
        this.remaining = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        if (count == 0) {
            return 0;
        }
        if (length >= 0 && remaining == 0) {
            return -1;
        }
        int wanted = length < 0 ? count : (int) Math.min(count, remaining);
        int n;
        try {
            n = data.read(buffer, offset, wanted);
        } catch (IOException e) {
            readFailure = e;
            throw e;
        }
        if (n < 0 && length >= 0) {
            readFailure = new EOFException("the data ended after " + (length - remaining) + " of " + length + " bytes");
            throw readFailure;
        }
        if (n > 0 && length >= 0) {
            remaining -= n;
        }
        return n;
    }

    /**
     * After a failed upload, throws the caller's data's share in it, if any: the data ended early
     * ({@link ErrorCode#INVALID_ARGUMENT}) or could not be read ({@link ErrorCode#STORAGE_ERROR}).
     * Returns normally when the data was not at fault.
     */
    void throwIfDataFailed() {
        IOException cause = readFailure;
        if (cause instanceof EOFException) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, cause.getMessage(), cause);
        }
        if (cause != null) {
            throw new CairnException(ErrorCode.STORAGE_ERROR, "reading the data to upload failed: " + cause, cause);
        }
    }

    @Override
    public void close() {
        // The caller's stream stays open; see the class comment.
    }
}
