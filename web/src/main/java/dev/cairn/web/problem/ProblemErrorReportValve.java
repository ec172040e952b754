package dev.cairn.web.problem;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import dev.cairn.api.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's error page for requests it refuses before any servlet sees them (an encoded {@code /} or a
 * NUL in the path, a malformed request line): answered as problem+json, like every other error of Cairn.
 */
public class ProblemErrorReportValve extends ErrorReportValve {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    protected void report(Request request, Response response, Throwable failure) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        ErrorCode code = Problems.codeForStatus(status);
        // Written by hand: outside Spring MVC there is no converter to flatten a ProblemDetail.
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", Problems.type(code).toString());
        problem.put("title", code.title());
        problem.put("status", status);
        problem.put("detail", "the request was refused before it reached Cairn: its path or headers are not valid HTTP");
        problem.put("code", code.name());
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(problem));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the answer is already on its way; there is nobody left to tell.
        }
    }
}
