package dev.cairn.qcow2;

/** Another process (a running QEMU, qemu-img, another Cairn) holds the image in a way that excludes this use. */
public final class Qcow2LockedException extends Qcow2Exception {

    public Qcow2LockedException(String message) {
        super(message);
    }
}
