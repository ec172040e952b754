package dev.cairn.qcow2.cli;

import dev.cairn.qcow2.Qcow2CreateOptions;

/** Applies one {@code -o key=value} of qemu-img create (or convert) to the engine's create options. */
final class CreateOptionParser {

    private CreateOptionParser() {
    }

    /** @throws IllegalArgumentException naming the option for an unknown key or a value qemu-img refuses */
    static Qcow2CreateOptions apply(Qcow2CreateOptions options, String option) {
        int equals = option.indexOf('=');
        if (equals < 0) {
            throw new IllegalArgumentException("option '" + option + "' needs key=value");
        }
        String key = option.substring(0, equals);
        String value = option.substring(equals + 1);
        return switch (key) {
            case "cluster_size" -> options.withClusterBits(powerOfTwoBits(key, Sizes.parse(value), 512, 2 << 20));
            case "refcount_bits" -> options.withRefcountOrder(powerOfTwoBits(key, integer(key, value), 1, 64));
            case "lazy_refcounts" -> options.withLazyRefcounts(onOff(key, value));
            case "compat" -> options.withCompat(switch (value) {
                case "1.1", "v3" -> "1.1";
                case "0.10", "v2" -> "0.10";
                default -> throw new IllegalArgumentException("compat must be 1.1 (v3) or 0.10 (v2): '" + value + "'");
            });
            case "backing_file" -> options.withBacking(value, options.backingFormat());
            case "backing_fmt" -> options.withBacking(options.backingFile(), value);
            default -> throw new IllegalArgumentException("unsupported option '" + key + "'");
        };
    }

    /** log2 of {@code value}, which must be a power of two from {@code min} to {@code max}. */
    private static int powerOfTwoBits(String key, long value, long min, long max) {
        if (value < min || value > max || Long.bitCount(value) != 1) {
            throw new IllegalArgumentException(key + " must be a power of two from " + min + " to " + max + ": "
                    + value);
        }
        return Long.numberOfTrailingZeros(value);
    }

    private static long integer(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " needs a number: '" + value + "'");
        }
    }

    private static boolean onOff(String key, String value) {
        return switch (value) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(key + " must be on or off: '" + value + "'");
        };
    }
}
