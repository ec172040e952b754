package dev.cairn.web.security;

import dev.cairn.api.ErrorCode;
import dev.cairn.web.CairnProperties;
import dev.cairn.web.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * When {@code cairn.security.token} is set, every request but the health check and the dashboard's static
 * files must carry {@code Authorization: Bearer <token>}; others get 401 problem+json {@code UNAUTHORIZED}
 * (RFC 6750). The token is compared in constant time.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class BearerTokenFilter extends OncePerRequestFilter {
    private static final String BEARER = "Bearer ";

    private final byte[] token;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    BearerTokenFilter(CairnProperties properties) {
        this.token = properties.security().enabled()
                ? properties.security().token().getBytes(StandardCharsets.UTF_8) : null;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        boolean closed = path.startsWith("/api/") || path.startsWith("/v3/api-docs") || path.startsWith("/swagger-ui")
                || path.startsWith("/actuator") && !path.equals("/actuator/health");
        return token == null || !closed;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.startsWith(BEARER)) {
            refuse(request, response, "this service requires 'Authorization: Bearer <token>'", null);
            return;
        }
        byte[] given = header.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, token)) {
            refuse(request, response, "the bearer token is not valid for this service", "invalid_token");
            return;
        }
        chain.doFilter(request, response);
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, String detail, String error)
            throws IOException {
        response.setStatus(ErrorCode.UNAUTHORIZED.httpStatus());
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE,
                "Bearer realm=\"cairn\"" + (error == null ? "" : ", error=\"" + error + "\""));
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        JSON.writeValue(response.getOutputStream(),
                Problems.flat(Problems.problem(ErrorCode.UNAUTHORIZED, detail, request.getRequestURI(), Map.of())));
    }
}
