package dev.cairn.qcow2.cli;

/** Parses qemu-img size arguments: plain bytes or a K/M/G/T suffix (powers of 1024). */
final class Sizes {

    private Sizes() {
    }

    static long parse(String text) {
        String value = text.trim();
        char unit = Character.toUpperCase(value.charAt(value.length() - 1));
        int shift = switch (unit) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
        };
        String digits = shift == 0 ? value : value.substring(0, value.length() - 1);
        return Long.parseLong(digits) << shift;
    }
}
