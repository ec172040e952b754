package dev.cairn.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What springdoc serves as the contract, made deterministic (a relative server, sorted keys) so that the
 * committed {@code openapi/openapi.yaml} can equal it byte for byte, and with every operation's errors
 * described as problem+json.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiContract {
    static final String PROBLEM = "Problem";

    @Bean
    OpenAPI cairnOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Cairn").version("v1")
                        .description("Storage pools, volumes and their snapshot trees. Errors are RFC 9457 "
                                + "problem documents with a stable 'code'.")
                        .license(new License().name("Apache-2.0")))
                .servers(List.of(new Server().url("/")));
    }

    /** Every operation may fail; its failures are described once, as the {@code default} response. */
    @Bean
    OpenApiCustomizer problemResponses() {
        return openApi -> {
            if (openApi.getComponents() == null) {
                openApi.setComponents(new Components());
            }
            openApi.getComponents().addSchemas(PROBLEM, problemSchema());
            openApi.getPaths().values().forEach(path -> path.readOperations().forEach(operation ->
                    operation.getResponses().addApiResponse("default", new ApiResponse()
                            .description("an error, as an RFC 9457 problem with a stable code")
                            .content(new Content().addMediaType("application/problem+json",
                                    new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)))))));
        };
    }

    private static Schema<?> problemSchema() {
        ObjectSchema schema = new ObjectSchema();
        schema.description("RFC 9457 problem details, with Cairn's stable code and the names involved");
        schema.addProperty("type", new StringSchema().format("uri").description("stable URI of the kind of error"));
        schema.addProperty("title", new StringSchema().description("fixed summary of the kind of error"));
        schema.addProperty("status", new IntegerSchema().format("int32").description("the HTTP status"));
        schema.addProperty("detail", new StringSchema().description("what went wrong this time"));
        schema.addProperty("instance", new StringSchema().format("uri-reference").description("the request path"));
        schema.addProperty("code", new StringSchema().description("stable error code, e.g. NO_STORAGE_VOL"));
        schema.setRequired(List.of("type", "title", "status", "code"));
        schema.setAdditionalProperties(new StringSchema());
        return schema;
    }
}
