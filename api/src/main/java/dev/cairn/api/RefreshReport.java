package dev.cairn.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/**
 * What a pool refresh found when it compared the pool's storage with the catalog.
 *
 * @param adopted volumes found on storage and added to the catalog
 * @param vanished volumes in the catalog whose storage is gone; they were removed
 * @param ignored entries on storage that cannot be volumes (bad names, links, unknown formats), with the reason
 * @param adoptedSnapshots snapshots found in storage that the catalog did not know, as {@code volume/snapshot}
 */
public record RefreshReport(
        @JsonPropertyDescription("volumes found on storage and added to the catalog") List<String> adopted,
        @JsonPropertyDescription("volumes whose storage is gone; removed from the catalog") List<String> vanished,
        @JsonPropertyDescription("entries on storage that cannot be volumes, with the reason") List<String> ignored,
        @JsonPropertyDescription("snapshots found in storage and adopted as roots, as volume/snapshot")
        List<String> adoptedSnapshots) {
    public RefreshReport {
        adopted = List.copyOf(adopted);
        adoptedSnapshots = List.copyOf(adoptedSnapshots);
        vanished = List.copyOf(vanished);
        ignored = List.copyOf(ignored);
    }
}
