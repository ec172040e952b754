package dev.cairn.qcow2.format;

import java.util.Arrays;

/**
 * One header extension this engine does not interpret, kept byte for byte so that a header
 * rewrite re-emits it (qcow2.txt "Header extensions": unknown extensions must be preserved).
 *
 * @param type the 32-bit extension type
 * @param data the extension payload without padding
 */
public record HeaderExtension(int type, byte[] data) {

    public HeaderExtension {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HeaderExtension that && type == that.type && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "HeaderExtension[type=0x" + Integer.toHexString(type) + ", data=" + java.util.HexFormat.of().formatHex(data) + "]";
    }
}
