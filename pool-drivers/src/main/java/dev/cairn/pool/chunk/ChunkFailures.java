package dev.cairn.pool.chunk;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.pool.spi.StorageFailures;
import java.io.IOException;
import java.util.function.Supplier;

/** Turns chunk store failures into Cairn errors; one arm per reason, so a new reason must be mapped. */
final class ChunkFailures {
    private ChunkFailures() {
    }

    /** Runs {@code work} on the store, turning its failures into Cairn errors about {@code what}. */
    static <T> T call(String what, Supplier<T> work) {
        try {
            return work.get();
        } catch (ChunkStoreException e) {
            throw translate(what, e);
        }
    }

    /** {@link #call} for work without a result. */
    static void run(String what, Runnable work) {
        call(what, () -> {
            work.run();
            return null;
        });
    }

    static CairnException translate(String what, ChunkStoreException failure) {
        return switch (failure.reason()) {
            case STORE_FULL -> new CairnException(ErrorCode.INSUFFICIENT_SPACE,
                    what + ": the pool's chunk store is full", failure);
            case NO_SUCH_DEVICE -> new CairnException(ErrorCode.NO_STORAGE_VOL,
                    what + ": the pool's chunk store has no such device", failure);
            case CORRUPT -> new CairnException(ErrorCode.IMAGE_CORRUPT,
                    what + ": the pool's chunk store is corrupt: " + failure.getMessage(), failure);
            case IO_ERROR -> failure.getCause() instanceof IOException io ? StorageFailures.translate(what, io)
                    : new CairnException(ErrorCode.STORAGE_ERROR, what + ": " + failure.getMessage(), failure);
            case STORE_FAILED -> new CairnException(ErrorCode.STORAGE_ERROR, what + ": the chunk store failed "
                    + "earlier and must be reopened (stop and start the pool): " + failure.getMessage(), failure);
            case CLOSED -> new CairnException(ErrorCode.OPERATION_INVALID, what + ": the pool was stopped", failure);
        };
    }
}
