package dev.cairn.qcow2;

/** A snapshot (or other named item) the caller referred to does not exist in the image. */
public final class Qcow2NotFoundException extends Qcow2Exception {

    public Qcow2NotFoundException(String message) {
        super(message);
    }
}
