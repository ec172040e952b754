package dev.cairn.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class ServiceProblemTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aProblemGivesItsCodeDetailAndContext() {
        CairnException e = parse(404, """
                {"type":"https://cairn.dev/problems/no-snapshot","title":"Snapshot not found","status":404,
                 "detail":"no snapshot named 'B'","instance":"/api/v1/pools/p/volumes/vm/snapshots/B",
                 "code":"NO_SNAPSHOT","pool":"p","volume":"vm","snapshot":"B"}""");
        assertThat(e.errorCode()).isEqualTo(ErrorCode.NO_SNAPSHOT);
        assertThat(e.getCode()).isEqualTo("NO_SNAPSHOT");
        assertThat(e.getMessage()).isEqualTo("no snapshot named 'B'");
        assertThat(e.context()).isEqualTo(Map.of("pool", "p", "volume", "vm", "snapshot", "B"));
    }

    @Test
    void anUnknownCodeIsKeptAsSentWithTheClosestKnownCodeByStatus() {
        CairnException e = parse(409, """
                {"type":"https://cairn.dev/problems/x","title":"T","status":409,"detail":"d","code":"VOLUME_BUSY"}""");
        assertThat(e.getCode()).isEqualTo("VOLUME_BUSY");
        assertThat(e.errorCode()).isEqualTo(ErrorCode.OPERATION_INVALID);
        assertThat(e.getMessage()).isEqualTo("d");
        assertThat(e.with("pool", "p").getCode()).isEqualTo("VOLUME_BUSY");
    }

    @Test
    void withoutADetailTheTitleIsTheMessage() {
        CairnException e = parse(401, """
                {"type":"t","title":"Unauthorized","status":401,"code":"UNAUTHORIZED"}""");
        assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAUTHORIZED);
        assertThat(e.getMessage()).isEqualTo("Unauthorized");
    }

    @Test
    void anAnswerThatIsNoProblemGetsACodeByStatusAndQuotesTheBody() {
        CairnException e = parse(502, "<html>Bad Gateway</html>");
        assertThat(e.errorCode()).isEqualTo(ErrorCode.STORAGE_ERROR);
        assertThat(e.getMessage()).isEqualTo("HTTP 502 from GET /x: <html>Bad Gateway</html>");
        assertThat(parse(404, "").errorCode()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(parse(400, "{\"error\":\"bad\"}").errorCode()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(parse(500, "[1]").errorCode()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(parse(507, "full").errorCode()).isEqualTo(ErrorCode.INSUFFICIENT_SPACE);
    }

    private static CairnException parse(int status, String body) {
        return ServiceProblem.toException(JSON, status, "GET /x", body.getBytes(StandardCharsets.UTF_8));
    }
}
