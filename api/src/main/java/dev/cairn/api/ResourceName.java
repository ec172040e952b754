package dev.cairn.api;

import java.util.regex.Pattern;

/**
 * The rule every pool, volume and snapshot name obeys: 1 to 128 characters of
 * {@code [A-Za-z0-9._-]}, not starting with {@code .} or {@code -}.
 *
 * <p>Names become file names in dir pools, so the rule is what keeps a name from ever
 * escaping its pool directory ({@code ..}, {@code /}, NUL) or hiding ({@code .name}).
 */
public final class ResourceName {
    /** The longest name accepted. */
    public static final int MAX_LENGTH = 128;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    private ResourceName() {
    }

    /** True when {@code name} obeys the naming rule. */
    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /**
     * Returns {@code name} when it obeys the naming rule.
     *
     * @param kind what is being named ("pool", "volume", "snapshot"), for the message
     * @throws CairnException {@link ErrorCode#INVALID_ARGUMENT} otherwise
     */
    public static String require(String kind, String name) {
        if (name == null || name.isEmpty()) {
            throw CairnException.invalidArgument(kind + " name is required");
        }
        if (!isValid(name)) {
            throw CairnException.invalidArgument(kind + " name '" + printable(name) + "' is invalid: use 1 to "
                    + MAX_LENGTH + " characters of A-Z a-z 0-9 . _ -, not starting with '.' or '-'");
        }
        return name;
    }

    private static String printable(String name) {
        StringBuilder out = new StringBuilder();
        int shown = Math.min(name.length(), 40);
        for (int i = 0; i < shown; i++) {
            char c = name.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return name.length() > shown ? out + "..." : out.toString();
    }
}
