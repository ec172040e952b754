package dev.cairn.api;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns an error answer of the service into the {@link CairnException} it stands for.
 *
 * <p>Cairn answers errors as RFC 9457 {@code application/problem+json} with a stable {@code code}; the
 * exception gets that code, the problem's {@code detail} as its message and the problem's other string
 * members (pool, volume, snapshot) as context. An answer that is no such document (a proxy's error page)
 * gets a code by its HTTP status, as the service itself does for errors raised outside Cairn.
 */
final class ServiceProblem {
    /** Members of RFC 9457 and Cairn's {@code code}; the others are context. */
    private static final Set<String> STANDARD = Set.of("type", "title", "status", "detail", "instance", "code");
    private static final int QUOTED_BODY_CHARS = 200;

    private ServiceProblem() {
    }

    /**
     * The exception for an error answer.
     *
     * @param status the HTTP status, 400 or more
     * @param request what was asked, e.g. {@code GET /api/v1/pools/x}, for messages of non-problem answers
     * @param body the answer's body (possibly empty or cut short)
     */
    static CairnException toException(JsonMapper json, int status, String request, byte[] body) {
        JsonNode problem = parse(json, body);
        if (problem == null || !problem.path("code").isString()) {
            return new CairnException(codeForStatus(status), "HTTP " + status + " from " + request + quote(body));
        }
        return fromProblem(problem, status);
    }

    /** The exception for a problem document (as a failed job carries); {@code status} if it has none. */
    static CairnException fromProblem(JsonNode problem, int status) {
        int problemStatus = problem.path("status").isInt() ? problem.path("status").intValue() : status;
        String code = problem.path("code").asString("");
        String message = problem.path("detail").isString() ? problem.path("detail").stringValue()
                : problem.path("title").asString("HTTP " + problemStatus);
        Map<String, String> context = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> member : problem.properties()) {
            if (!STANDARD.contains(member.getKey()) && member.getValue().isString()) {
                context.put(member.getKey(), member.getValue().stringValue());
            }
        }
        ErrorCode known = knownCode(code);
        if (known == null) {
            return new UnrecognizedCodeException(codeForStatus(problemStatus), code, message, context);
        }
        return new CairnException(known, message, context, null);
    }

    /**
     * The code for an error answer without a Cairn problem (or with a code this SDK does not know), by
     * its status: the code the service itself uses for that status. A gateway's 502, 503 and 504 mean
     * the service could not be reached and become {@link ErrorCode#STORAGE_ERROR}, like a refused
     * connection.
     */
    static ErrorCode codeForStatus(int status) {
        return switch (status) {
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 406 -> ErrorCode.NOT_ACCEPTABLE;
            case 409 -> ErrorCode.OPERATION_INVALID;
            case 411 -> ErrorCode.LENGTH_REQUIRED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 416 -> ErrorCode.RANGE_NOT_SATISFIABLE;
            case 422 -> ErrorCode.OPERATION_UNSUPPORTED;
            case 502, 503, 504 -> ErrorCode.STORAGE_ERROR;
            case 507 -> ErrorCode.INSUFFICIENT_SPACE;
            default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_ARGUMENT;
        };
    }

    private static ErrorCode knownCode(String code) {
        for (ErrorCode candidate : ErrorCode.values()) {
            if (candidate.name().equals(code)) {
                return candidate;
            }
        }
        return null;
    }

    private static JsonNode parse(JsonMapper json, byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode node = json.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException notJson) {
            return null;
        }
    }

    private static String quote(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            return "";
        }
        return ": " + (text.length() > QUOTED_BODY_CHARS ? text.substring(0, QUOTED_BODY_CHARS) + "..." : text);
    }
}
