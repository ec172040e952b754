package dev.cairn.qcow2;

/**
 * The image's metadata violates the qcow2 specification (truncated file, tables beyond the end
 * of the file or overlapping the header, absurd sizes, reserved bits set, the corrupt bit set
 * when opening for writing). The message names the offending field and value.
 */
public final class Qcow2CorruptException extends Qcow2Exception {

    public Qcow2CorruptException(String message) {
        super(message);
    }

    public Qcow2CorruptException(String message, Throwable cause) {
        super(message, cause);
    }
}
