package dev.cairn.qcow2.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Sizes in qemu-img's shapes: the arguments it parses and the "64 MiB" it prints. */
final class Sizes {

    private static final String[] UNITS = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    private static final String UNIT_LETTERS = "KMGTPE";

    private Sizes() {
    }

    /**
     * A size argument: whole bytes, optionally with a {@code b}/{@code B} suffix, or a number with a
     * K, M, G, T, P or E suffix (powers of 1024, either case), which may have a fraction ({@code 1.5G};
     * bytes beyond a whole one are dropped, as qemu-img does).
     *
     * @throws IllegalArgumentException for anything else, a negative size or one beyond 2^63 - 1
     */
    static long parse(String text) {
        String value = text.trim();
        String number = value;
        int shift = 0;
        if (!value.isEmpty()) {
            char last = Character.toUpperCase(value.charAt(value.length() - 1));
            int unit = UNIT_LETTERS.indexOf(last);
            if (unit >= 0 || last == 'B') {
                number = value.substring(0, value.length() - 1);
                shift = unit < 0 ? 0 : 10 * (unit + 1);
            }
        }
        if (!number.matches("[0-9]+(\\.[0-9]+)?") || (shift == 0 && number.contains("."))) {
            throw new IllegalArgumentException("invalid size '" + text + "': give bytes, or a number with a "
                    + "K, M, G, T, P or E suffix");
        }
        BigDecimal bytes = new BigDecimal(number).multiply(BigDecimal.valueOf(2).pow(shift))
                .setScale(0, RoundingMode.DOWN);
        if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
        return bytes.longValueExact();
    }

    /**
     * {@code bytes} as qemu-img prints sizes: three significant digits in the largest binary unit that
     * keeps the number under 1000 ("64 MiB", "1.5 GiB", "196 KiB", "0 B").
     */
    static String human(long bytes) {
        int unit = 0;
        if (bytes > 0) {
            // qemu's rule: the exponent of bytes * 1024 / 1000 picks the unit, so 1000 KiB shows as 0.977 MiB.
            int exponent = Math.getExponent(bytes / (1000.0 / 1024.0)) + 1;
            unit = Math.min(UNITS.length - 1, (exponent - 1) / 10);
        }
        BigDecimal scaled = new BigDecimal((double) bytes / (1L << (unit * 10)))
                .round(new MathContext(3, RoundingMode.HALF_EVEN)).stripTrailingZeros();
        return scaled.toPlainString() + " " + UNITS[unit] + "B";
    }
}
