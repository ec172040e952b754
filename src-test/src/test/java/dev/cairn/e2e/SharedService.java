package dev.cairn.e2e;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.OpenApiValidationFilter;
import dev.cairn.web.testing.CairnProcess;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One service for the whole end-to-end run (started on first use, stopped when the test JVM exits), and
 * REST Assured requests whose every request and response is checked against {@code openapi/openapi.yaml}.
 */
final class SharedService {
    private static CairnProcess service;
    private static OpenApiValidationFilter validation;
    private static OpenApiValidationFilter responseValidation;

    private SharedService() {
    }

    static synchronized CairnProcess get() {
        if (service == null) {
            try {
                Path root = Files.createTempDirectory("cairn-e2e-");
                service = CairnProcess.start(root.resolve("data"));
                Runtime.getRuntime().addShutdownHook(new Thread(service::close));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return service;
    }

    /** A request to {@code service}, validated against the committed contract. */
    static RequestSpecification api(CairnProcess service) {
        return RestAssured.given().baseUri(service.baseUri()).filter(validation());
    }

    /** A request to the shared service, validated against the committed contract. */
    static RequestSpecification api() {
        return api(get());
    }

    /**
     * A request that breaks the contract on purpose (to see it refused): only the response is checked
     * against the contract.
     */
    static RequestSpecification invalidRequest() {
        return RestAssured.given().baseUri(get().baseUri()).filter(responseValidation());
    }

    static synchronized OpenApiValidationFilter validation() {
        if (validation == null) {
            validation = new OpenApiValidationFilter(validator().build());
        }
        return validation;
    }

    private static synchronized OpenApiValidationFilter responseValidation() {
        if (responseValidation == null) {
            responseValidation = new OpenApiValidationFilter(validator()
                    .withLevelResolver(LevelResolver.create().withLevel("validation.request", ValidationReport.Level.IGNORE)
                            .build())
                    .build());
        }
        return responseValidation;
    }

    private static OpenApiInteractionValidator.Builder validator() {
        String contract = System.getProperty("cairn.openapi", "../openapi/openapi.yaml");
        return OpenApiInteractionValidator.createForSpecificationUrl(Path.of(contract).toUri().toString());
    }
}
