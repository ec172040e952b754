package dev.cairn.pool.spi;

import dev.cairn.api.CairnException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The volume formats found on the class path. Immutable and thread-safe.
 *
 * <p>Probing asks every format but {@code raw} first; raw claims what is left.
 */
public final class VolumeFormats {
    /** The format of plain files, always present. */
    public static final String RAW = "raw";

    private final List<VolumeFormat> formats;

    public VolumeFormats(List<VolumeFormat> formats) {
        List<VolumeFormat> ordered = new ArrayList<>(formats);
        ordered.sort(Comparator.comparing((VolumeFormat f) -> f.name().equals(RAW)).thenComparing(VolumeFormat::name));
        this.formats = List.copyOf(ordered);
    }

    /** The formats registered with {@link ServiceLoader} for the class loader of this SPI. */
    public static VolumeFormats installed() {
        List<VolumeFormat> found = new ArrayList<>();
        ServiceLoader.load(VolumeFormat.class, VolumeFormat.class.getClassLoader()).forEach(found::add);
        return new VolumeFormats(found);
    }

    /**
     * The format named {@code name}.
     *
     * @throws CairnException {@code INVALID_ARGUMENT} naming the known formats
     */
    public VolumeFormat lookup(String name) {
        return formats.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> CairnException.invalidArgument(
                        "unknown volume format '" + name + "'; known formats: " + names()));
    }

    /** The first format that claims a file starting with {@code header}. */
    public Optional<VolumeFormat> probe(byte[] header) {
        return formats.stream().filter(f -> f.probe(header)).findFirst();
    }

    /** Every known format, raw last. */
    public List<VolumeFormat> all() {
        return formats;
    }

    /** The known format names. */
    public List<String> names() {
        return formats.stream().map(VolumeFormat::name).toList();
    }
}
