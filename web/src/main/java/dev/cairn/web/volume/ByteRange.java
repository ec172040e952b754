package dev.cairn.web.volume;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of a download, inclusive at both ends, as HTTP's {@code Range: bytes=first-last}
 * (RFC 9110, section 14).
 */
record ByteRange(long first, long last) {
    /** Context key of a 416 error: the size the client must stay within, for {@code Content-Range}. */
    static final String CONTENT_SIZE = "size";
    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");

    long length() {
        return last - first + 1;
    }

    /**
     * The range a {@code Range} header asks of a resource of {@code size} bytes. Empty when the whole
     * resource is to be sent: no header, a header this parser does not serve (several ranges, another
     * unit) or an invalid one, which RFC 9110 lets a server ignore.
     *
     * @throws CairnException {@code RANGE_NOT_SATISFIABLE} for a valid range that starts past the end
     */
    static Optional<ByteRange> parse(String header, long size) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = SINGLE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return Optional.empty();
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0) {
                    throw unsatisfiable(header, size);
                }
                return Optional.of(new ByteRange(Math.max(0, size - suffix), size - 1));
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2).isEmpty() ? size - 1 : Long.parseLong(m.group(2));
            if (first >= size) {
                throw unsatisfiable(header, size);
            }
            if (last < first) {
                return Optional.empty();
            }
            return Optional.of(new ByteRange(first, Math.min(last, size - 1)));
        } catch (NumberFormatException tooLarge) {
            return Optional.empty();
        }
    }

    private static CairnException unsatisfiable(String header, long size) {
        return new CairnException(ErrorCode.RANGE_NOT_SATISFIABLE,
                "range '" + header + "' lies outside the volume's " + size + " bytes",
                java.util.Map.of(CONTENT_SIZE, Long.toString(size)), null);
    }
}
