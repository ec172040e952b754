package dev.cairn.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one exception of Cairn's vocabulary: an error with a stable {@link ErrorCode}, a
 * message describing this occurrence, and context (pool, volume, snapshot names) that
 * the REST edge copies into the problem document.
 *
 * <p>Engines, services and the SDK all throw this type, so a caller handles one family.
 * It is unchecked: most callers can do nothing but report it.
 */
public class CairnException extends RuntimeException {
    private final ErrorCode errorCode;
    private final transient Map<String, String> context;

    public CairnException(ErrorCode errorCode, String message) {
        this(errorCode, message, Map.of(), null);
    }

    public CairnException(ErrorCode errorCode, String message, Throwable cause) {
        this(errorCode, message, Map.of(), cause);
    }

    public CairnException(ErrorCode errorCode, String message, Map<String, String> context, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
        this.context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
    }

    /** The stable code of this error. */
    public ErrorCode errorCode() {
        return errorCode;
    }

    /** The stable code as a string, e.g. {@code NO_SNAPSHOT}; what the server sends as {@code code}. */
    public String getCode() {
        return errorCode.name();
    }

    /** Names of the resources involved (keys such as {@code pool}, {@code volume}). */
    public Map<String, String> context() {
        return context;
    }

    /** A copy of this error with one more context entry; the code and message stay. */
    public CairnException with(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(context);
        more.put(key, value);
        CairnException copy = new CairnException(errorCode, getMessage(), more, getCause());
        copy.setStackTrace(getStackTrace());
        return copy;
    }

    public static CairnException invalidArgument(String message) {
        return new CairnException(ErrorCode.INVALID_ARGUMENT, message);
    }

    public static CairnException noPool(String pool) {
        return new CairnException(ErrorCode.NO_STORAGE_POOL, "no storage pool named '" + pool + "'",
                Map.of("pool", pool), null);
    }

    public static CairnException noVolume(String pool, String volume) {
        return new CairnException(ErrorCode.NO_STORAGE_VOL,
                "no storage volume named '" + volume + "' in pool '" + pool + "'",
                Map.of("pool", pool, "volume", volume), null);
    }
}
