package dev.cairn.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error the service reported with a code this SDK does not know, as a newer service may: the
 * server's code string stays available through {@link #getCode()}, while {@link #errorCode()} gives the
 * known code closest in meaning, chosen by the HTTP status.
 */
final class UnrecognizedCodeException extends CairnException {
    private final String code;

    UnrecognizedCodeException(ErrorCode closest, String code, String message, Map<String, String> context) {
        super(closest, message, context, null);
        this.code = code;
    }

    /** The code exactly as the service sent it. */
    @Override
    public String getCode() {
        return code;
    }

    /** A copy with one more context entry that keeps the code as sent. */
    @Override
    public CairnException with(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(context());
        more.put(key, value);
        UnrecognizedCodeException copy = new UnrecognizedCodeException(errorCode(), code, getMessage(), more);
        copy.setStackTrace(getStackTrace());
        return copy;
    }
}
