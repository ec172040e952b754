package dev.cairn.qcow2;

/**
 * The image is valid qcow2 but uses something this engine does not implement (an unknown
 * incompatible feature bit, encryption, an external data file, zstd compression, extended L2
 * entries), or the request is outside what the engine offers (shrinking, too many snapshots).
 */
public final class Qcow2UnsupportedException extends Qcow2Exception {

    public Qcow2UnsupportedException(String message) {
        super(message);
    }
}
