package dev.cairn.qcow2;

import java.io.IOException;

/**
 * Root of the qcow2 engine's own failures. Plain I/O failures of the underlying file stay
 * ordinary {@link IOException}s; subclasses say what is wrong with the image or the request.
 */
public abstract sealed class Qcow2Exception extends IOException
        permits Qcow2CorruptException, Qcow2UnsupportedException, Qcow2NotFoundException, Qcow2LockedException {

    protected Qcow2Exception(String message) {
        super(message);
    }

    protected Qcow2Exception(String message, Throwable cause) {
        super(message, cause);
    }
}
