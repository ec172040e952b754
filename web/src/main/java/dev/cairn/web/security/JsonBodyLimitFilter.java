package dev.cairn.web.security;

import dev.cairn.api.ErrorCode;
import dev.cairn.web.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bounds JSON request bodies on the API at {@value #MAX_JSON_BYTES} bytes: every JSON request of the API is
 * a few hundred bytes, and only volume content and deltas, which are streamed and bounded by the volume, may
 * be large. A larger body is refused with 413 problem+json {@code PAYLOAD_TOO_LARGE} before it is parsed:
 * at once when its {@code Content-Length} says so, else (a chunked body) once that many bytes have arrived,
 * so a JSON body never holds more than that much of the heap. The connection is then closed, so the
 * service does not go on reading a body it refused.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class JsonBodyLimitFilter extends OncePerRequestFilter {
    /** The largest JSON body the API accepts. */
    static final int MAX_JSON_BYTES = 64 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String type = request.getContentType();
        return !request.getRequestURI().startsWith("/api/") || type == null
                || !type.toLowerCase(java.util.Locale.ROOT).contains("json");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > MAX_JSON_BYTES) {
            refuse(request, response, declared + " bytes");
            return;
        }
        if (declared >= 0) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = request.getInputStream().readNBytes(MAX_JSON_BYTES + 1);
        if (body.length > MAX_JSON_BYTES) {
            refuse(request, response, "more than " + MAX_JSON_BYTES + " bytes");
            return;
        }
        chain.doFilter(new BufferedBody(request, body), response);
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, String size)
            throws IOException {
        response.setStatus(ErrorCode.PAYLOAD_TOO_LARGE.httpStatus());
        response.setHeader(HttpHeaders.CONNECTION, "close");
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        JSON.writeValue(response.getOutputStream(), Problems.flat(Problems.problem(ErrorCode.PAYLOAD_TOO_LARGE,
                "a JSON request body may hold at most " + MAX_JSON_BYTES + " bytes; this one holds " + size,
                request.getRequestURI(), Map.of())));
    }

    /** A request whose (small, chunked) body was read ahead and is served again from memory. */
    private static final class BufferedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("a buffered body is read blocking");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding() == null ? StandardCharsets.UTF_8.name() : getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(getInputStream(), java.nio.charset.Charset.forName(encoding)));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
