package dev.cairn.web.snapshot;

import dev.cairn.api.CairnException;
import java.util.Locale;

/** What deleting a snapshot does to the snapshots below it ({@code ?children=}). */
public enum ChildrenMode {
    /** They stay, re-parented onto the deleted snapshot's parent (the default). */
    REBASE,
    /** They are deleted with it. */
    DELETE,
    /** Only they are deleted; the snapshot stays. */
    ONLY;

    /** The mode named by {@code text} (absent: {@link #REBASE}); {@code INVALID_ARGUMENT} otherwise. */
    static ChildrenMode parse(String text) {
        if (text == null) {
            return REBASE;
        }
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw CairnException.invalidArgument("children must be rebase, delete or only, not '" + text + "'");
        }
    }
}
