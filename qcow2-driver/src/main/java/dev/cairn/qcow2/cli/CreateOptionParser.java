package dev.cairn.qcow2.cli;

import dev.cairn.qcow2.Qcow2CreateOptions;

/** Applies one {@code -o key=value} of qemu-img create to the engine's create options. */
final class CreateOptionParser {

    private CreateOptionParser() {
    }

    static Qcow2CreateOptions apply(Qcow2CreateOptions options, String option) {
        int equals = option.indexOf('=');
        if (equals < 0) {
            throw new IllegalArgumentException("option '" + option + "' needs key=value");
        }
        String key = option.substring(0, equals);
        String value = option.substring(equals + 1);
        return switch (key) {
            case "cluster_size" -> options.withClusterBits(Long.numberOfTrailingZeros(Sizes.parse(value)));
            case "refcount_bits" -> options.withRefcountOrder(Integer.numberOfTrailingZeros(Integer.parseInt(value)));
            case "lazy_refcounts" -> options.withLazyRefcounts(value.equals("on"));
            case "compat" -> options.withCompat(value);
            case "backing_file" -> options.withBacking(value, options.backingFormat());
            case "backing_fmt" -> options.withBacking(options.backingFile(), value);
            default -> throw new IllegalArgumentException("unsupported option '" + key + "'");
        };
    }
}
