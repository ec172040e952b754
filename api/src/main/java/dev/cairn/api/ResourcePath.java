package dev.cairn.api;

import java.nio.charset.StandardCharsets;

/**
 * A path of the REST API relative to the service's base URI, with an optional query: built from
 * names that are percent-encoded one segment at a time, so a name can never add, remove or climb a
 * segment of the path (RFC 3986 section 3.3).
 *
 * <p>Every byte of a value outside RFC 3986's unreserved set ({@code A-Z a-z 0-9 - . _ ~}) is encoded
 * as {@code %XX} of its UTF-8 form. The dot segments {@code .} and {@code ..} are refused instead of
 * encoded, because servers normalise {@code %2E%2E} back to {@code ..} and the request would reach
 * another resource. Immutable.
 */
final class ResourcePath {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final String path;
    private final String query;

    private ResourcePath(String path, String query) {
        this.path = path;
        this.query = query;
    }

    /** {@code /api/v1}, the root of every resource of the service. */
    static ResourcePath api() {
        return new ResourcePath("/api/v1", "");
    }

    /**
     * This path with one more segment, {@code value} percent-encoded.
     *
     * @param kind what the value names ("pool", "volume", "snapshot"), for the message
     * @throws CairnException {@link ErrorCode#INVALID_ARGUMENT} when {@code value} is null, empty,
     *     {@code .} or {@code ..}: no resource can have such a name
     */
    ResourcePath name(String kind, String value) {
        if (value == null || value.isEmpty()) {
            throw CairnException.invalidArgument(kind + " name is required");
        }
        if (value.equals(".") || value.equals("..")) {
            throw CairnException.invalidArgument(kind + " name '" + value + "' is invalid");
        }
        return segment(value);
    }

    /** This path with one more fixed segment (a word of the API such as {@code volumes}), encoded. */
    ResourcePath segment(String word) {
        if (!query.isEmpty()) {
            throw new IllegalStateException("segments come before the query");
        }
        return new ResourcePath(path + "/" + encode(word), query);
    }

    /** This path with the query parameter {@code name=value} added; a null {@code value} adds nothing. */
    ResourcePath query(String name, Object value) {
        if (value == null) {
            return this;
        }
        String pair = encode(name) + "=" + encode(String.valueOf(value));
        return new ResourcePath(path, query.isEmpty() ? "?" + pair : query + "&" + pair);
    }

    /** The encoded path and query, e.g. {@code /api/v1/pools/a%20b/volumes?x=1}. */
    @Override
    public String toString() {
        return path + query;
    }

    /** {@code value} with every UTF-8 byte outside RFC 3986's unreserved set written as {@code %XX}. */
    static String encode(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (isUnreserved(c)) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    private static boolean isUnreserved(int c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
