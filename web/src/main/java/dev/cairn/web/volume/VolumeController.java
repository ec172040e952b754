package dev.cairn.web.volume;

import dev.cairn.api.ResizeRequest;
import dev.cairn.api.VolumeCreateRequest;
import dev.cairn.api.VolumeInfo;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/pools/{pool}/volumes}: volumes and their content. */
@RestController
@RequestMapping(path = "/api/v1/pools/{pool}/volumes")
@Tag(name = "volumes", description = "Volumes of a pool and their content")
class VolumeController {
    private final VolumeService volumes;
    private final VolumeContent content;

    VolumeController(VolumeService volumes, VolumeContent content) {
        this.volumes = volumes;
        this.content = content;
    }

    @GetMapping(produces = "application/json")
    @Operation(operationId = "listVolumes", summary = "List the volumes of a pool")
    List<VolumeInfo> list(@PathVariable String pool) {
        return volumes.list(pool);
    }

    @PostMapping(consumes = "application/json", produces = "application/json")
    @Operation(operationId = "createVolume", summary = "Create a volume", description = "An empty volume (reads as zeroes) of the given capacity.")
    @ResponseStatus(HttpStatus.CREATED)
    VolumeInfo create(@PathVariable String pool, @RequestBody VolumeCreateRequest request,
                      HttpServletResponse response) {
        VolumeInfo created = volumes.create(pool, request);
        response.setHeader(HttpHeaders.LOCATION, "/api/v1/pools/" + pool + "/volumes/" + created.name());
        return created;
    }

    @GetMapping(path = "/{vol}", produces = "application/json")
    @Operation(operationId = "getVolume", summary = "Describe a volume")
    VolumeInfo get(@PathVariable String pool, @PathVariable String vol) {
        return volumes.get(pool, vol);
    }

    @DeleteMapping("/{vol}")
    @Operation(operationId = "deleteVolume", summary = "Delete a volume and its storage",
            description = "Refused with HAS_SNAPSHOTS while the volume has snapshots, unless snapshots=delete.")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String pool, @PathVariable String vol,
                @Parameter(description = "'delete' to delete the volume's snapshots with it",
                        schema = @Schema(allowableValues = "delete"))
                @RequestParam(required = false) String snapshots) {
        volumes.delete(pool, vol, snapshots);
    }

    @PostMapping(path = "/{vol}/resize", consumes = "application/json", produces = "application/json")
    @Operation(operationId = "resizeVolume", summary = "Change a volume's capacity",
            description = "Growing reads the new tail as zeroes. Shrinking drops data and needs allowShrink=true.")
    VolumeInfo resize(@PathVariable String pool, @PathVariable String vol, @RequestBody ResizeRequest request,
                      @RequestParam(defaultValue = "false") boolean allowShrink) {
        return volumes.resize(pool, vol, request.capacity(), allowShrink);
    }

    @GetMapping(path = "/{vol}/content", produces = "application/octet-stream")
    @Operation(operationId = "downloadVolumeContent", summary = "Download a volume's content",
            description = "The whole volume, or one byte range with a Range header (206). Streamed.")
    @ApiResponse(responseCode = "200", description = "the whole content",
            content = @Content(mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "206", description = "the requested range",
            headers = @Header(name = "Content-Range", schema = @Schema(type = "string")),
            content = @Content(mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary")))
    void download(@PathVariable String pool, @PathVariable String vol,
                  @Parameter(description = "read this snapshot of the volume instead of its head")
                  @RequestParam(required = false) String snapshot,
                  @Parameter(in = ParameterIn.HEADER, description = "one range, e.g. bytes=0-1023")
                  @RequestHeader(name = "Range", required = false) String range,
                  HttpServletResponse response) {
        content.download(pool, vol, snapshot, range, response);
    }

    @PutMapping(path = "/{vol}/content", consumes = "application/octet-stream", produces = "application/json")
    @Operation(operationId = "uploadVolumeContent", summary = "Upload content into a volume at an offset",
            description = "Writes the body at ?offset (default 0); Content-Length is required and offset + length "
                    + "must stay within the capacity. Streamed; durable when the answer arrives.")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
            content = @Content(mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary")))
    VolumeInfo upload(@PathVariable String pool, @PathVariable String vol,
                      @RequestParam(defaultValue = "0") long offset, HttpServletRequest request) {
        return content.upload(pool, vol, offset, request);
    }
}
