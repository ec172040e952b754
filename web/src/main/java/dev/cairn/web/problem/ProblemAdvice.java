package dev.cairn.web.problem;

import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.UncheckedIOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The one place where errors become HTTP answers: every failure leaves as problem+json with a stable
 * {@code code}. {@link CairnException}s carry their code; Spring's own errors get one from their status;
 * anything else is a bug, logged and answered as {@code INTERNAL}.
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ProblemAdvice.class);

    @ExceptionHandler(CairnException.class)
    ResponseEntity<ProblemDetail> cairn(CairnException e, HttpServletRequest request, HttpServletResponse response) {
        if (e.errorCode() == ErrorCode.INTERNAL || e.errorCode() == ErrorCode.STORAGE_ERROR) {
            LOG.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
        }
        if (response.isCommitted()) {
            LOG.warn("{} {} failed after the answer began: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
            return null;
        }
        ResponseEntity<ProblemDetail> answer = Problems.response(e.errorCode(), e.getMessage(), request.getRequestURI(),
                e.context());
        if (e.errorCode() == ErrorCode.RANGE_NOT_SATISFIABLE && e.context().containsKey("size")) {
            return ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                    .header(HttpHeaders.CONTENT_RANGE, "bytes */" + e.context().get("size")).body(answer.getBody());
        }
        return answer;
    }

    /** A client that went away mid-transfer is not an error of ours. */
    @ExceptionHandler(UncheckedIOException.class)
    ResponseEntity<ProblemDetail> transferAborted(UncheckedIOException e, HttpServletRequest request,
                                                  HttpServletResponse response) {
        LOG.info("{} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
        if (response.isCommitted()) {
            return null;
        }
        return Problems.response(ErrorCode.INVALID_ARGUMENT, e.getMessage(), request.getRequestURI(), Map.of());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> bug(Exception e, HttpServletRequest request) {
        LOG.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
        return Problems.response(ErrorCode.INTERNAL, "internal error: " + e.getClass().getSimpleName(),
                request.getRequestURI(), Map.of());
    }

    /** A request body that did not become a request record: our validation inside, or malformed JSON. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof CairnException cairn) {
                return Problems.response(cairn.errorCode().httpStatus(),
                        Problems.problem(cairn.errorCode(), cairn.getMessage(), path(request), cairn.context()));
            }
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, "the request body is not valid JSON for "
                + "this request: " + rootMessage(ex));
        return handleExceptionInternal(ex, problem, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode statusCode, WebRequest request) {
        ProblemDetail problem = body instanceof ProblemDetail given ? given
                : ProblemDetail.forStatusAndDetail(statusCode, ex.getMessage());
        Problems.decorate(problem, Problems.codeForStatus(statusCode.value()), path(request));
        HttpHeaders answerHeaders = new HttpHeaders();
        answerHeaders.putAll(headers);
        answerHeaders.setContentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON);
        return super.handleExceptionInternal(ex, problem, answerHeaders, statusCode, request);
    }

    private static String path(WebRequest request) {
        return request instanceof ServletWebRequest servlet ? servlet.getRequest().getRequestURI() : null;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int newline = message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline) : message;
    }
}
