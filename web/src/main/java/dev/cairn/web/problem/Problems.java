package dev.cairn.web.problem;

import dev.cairn.api.ErrorCode;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * Builds Cairn's RFC 9457 problem documents: a stable absolute {@code type} and the fixed {@code title}
 * per {@link ErrorCode}, the occurrence in {@code detail}, the request path in {@code instance}, and the
 * {@code code} plus context (pool, volume, snapshot) as extension members.
 */
public final class Problems {
    /** Where problem types live; {@code type} is this plus the code in lower case with dashes. */
    public static final String TYPE_BASE = "https://cairn.dev/problems/";

    private Problems() {
    }

    /** The problem for {@code code}, answered with its HTTP status and {@code application/problem+json}. */
    public static ResponseEntity<ProblemDetail> response(ErrorCode code, String detail, String instance,
                                                         Map<String, String> context) {
        return response(code.httpStatus(), problem(code, detail, instance, context));
    }

    /** {@code problem} answered with {@code status} (which may differ from its code's usual status). */
    static <T> ResponseEntity<T> response(int status, T problem) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    /** The problem document for {@code code}. */
    public static ProblemDetail problem(ErrorCode code, String detail, String instance, Map<String, String> context) {
        return problem(code.httpStatus(), code, detail, instance, context);
    }

    /** The problem document for {@code code} with another HTTP {@code status}. */
    public static ProblemDetail problem(int status, ErrorCode code, String detail, String instance,
                                 Map<String, String> context) {
        ProblemDetail problem = ProblemDetail.forStatus(status);
        decorate(problem, code, instance);
        problem.setDetail(detail);
        context.forEach(problem::setProperty);
        return problem;
    }

    /**
     * The members of {@code problem} as RFC 9457 lays them out, extensions beside the standard members,
     * for writers outside Spring MVC (a servlet filter, Tomcat's error valve) that have no converter.
     */
    public static Map<String, Object> flat(ProblemDetail problem) {
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("type", problem.getType().toString());
        members.put("title", problem.getTitle());
        members.put("status", problem.getStatus());
        members.put("detail", problem.getDetail());
        if (problem.getInstance() != null) {
            members.put("instance", problem.getInstance().toString());
        }
        if (problem.getProperties() != null) {
            members.putAll(problem.getProperties());
        }
        return members;
    }

    /** Gives a problem made elsewhere (by Spring) Cairn's type, title, code and instance. */
    static void decorate(ProblemDetail problem, ErrorCode code, String instance) {
        problem.setType(type(code));
        problem.setTitle(code.title());
        problem.setProperty("code", code.name());
        if (instance != null) {
            problem.setInstance(URI.create(instance));
        }
    }

    /** The stable type URI of {@code code}. */
    public static URI type(ErrorCode code) {
        return URI.create(TYPE_BASE + code.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    /** The code for an HTTP error Spring or the servlet container raised, by its status. */
    static ErrorCode codeForStatus(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        if (known == null) {
            return status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_ARGUMENT;
        }
        return switch (known) {
            case NOT_FOUND -> ErrorCode.NOT_FOUND;
            case METHOD_NOT_ALLOWED -> ErrorCode.METHOD_NOT_ALLOWED;
            case NOT_ACCEPTABLE -> ErrorCode.NOT_ACCEPTABLE;
            case UNSUPPORTED_MEDIA_TYPE -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case LENGTH_REQUIRED -> ErrorCode.LENGTH_REQUIRED;
            case CONTENT_TOO_LARGE -> ErrorCode.PAYLOAD_TOO_LARGE;
            case REQUESTED_RANGE_NOT_SATISFIABLE -> ErrorCode.RANGE_NOT_SATISFIABLE;
            case UNAUTHORIZED -> ErrorCode.UNAUTHORIZED;
            case FORBIDDEN -> ErrorCode.FORBIDDEN;
            case INSUFFICIENT_STORAGE -> ErrorCode.INSUFFICIENT_SPACE;
            default -> known.is5xxServerError() ? ErrorCode.INTERNAL : ErrorCode.INVALID_ARGUMENT;
        };
    }
}
