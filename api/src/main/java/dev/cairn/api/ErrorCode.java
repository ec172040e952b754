package dev.cairn.api;

/**
 * The stable error codes of Cairn. Clients match on these strings; a code is never
 * renamed or reused for another meaning. New codes may be added.
 *
 * <p>Each code carries the HTTP status the REST service answers with and a fixed,
 * human-readable title (the {@code title} of the RFC 9457 problem).
 */
public enum ErrorCode {
    NO_STORAGE_POOL(404, "Storage pool not found"),
    NO_STORAGE_VOL(404, "Storage volume not found"),
    NO_SNAPSHOT(404, "Snapshot not found"),
    NO_JOB(404, "Job not found"),
    /** A path that names no resource of the API at all. */
    NOT_FOUND(404, "No such resource"),
    NAME_TAKEN(409, "Name already in use"),
    HAS_SNAPSHOTS(409, "Volume has snapshots"),
    HAS_VOLUMES(409, "Pool has volumes"),
    OPERATION_INVALID(409, "Operation not valid in the current state"),
    IMAGE_CORRUPT(409, "Image is corrupt"),
    INVALID_ARGUMENT(400, "Invalid argument"),
    INVALID_DELTA(400, "Invalid delta stream"),
    /** The request used an HTTP method the resource does not support. */
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    /** The request asked for a representation the resource cannot produce. */
    NOT_ACCEPTABLE(406, "Representation not acceptable"),
    /** An upload came without a Content-Length, so its extent cannot be checked first. */
    LENGTH_REQUIRED(411, "Length required"),
    /** A JSON request body larger than the service accepts (JSON bodies are small; content is streamed). */
    PAYLOAD_TOO_LARGE(413, "Payload too large"),
    /** The request body has a media type the resource does not accept. */
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    UNSUPPORTED_FORMAT(422, "Unsupported format"),
    OPERATION_UNSUPPORTED(422, "Operation not supported"),
    RANGE_NOT_SATISFIABLE(416, "Range not satisfiable"),
    INSUFFICIENT_SPACE(507, "Insufficient space"),
    UNAUTHORIZED(401, "Unauthorized"),
    FORBIDDEN(403, "Forbidden"),
    /** Storage failed in a way that is neither a full disk nor a bad request (an I/O error). */
    STORAGE_ERROR(500, "Storage I/O error"),
    INTERNAL(500, "Internal error");

    private final int httpStatus;
    private final String title;

    ErrorCode(int httpStatus, String title) {
        this.httpStatus = httpStatus;
        this.title = title;
    }

    /** The HTTP status code the REST service answers with for this error. */
    public int httpStatus() {
        return httpStatus;
    }

    /** A fixed short description of this kind of error. */
    public String title() {
        return title;
    }
}
