package io.tandem.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.rebuild.RebuildScope;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class JobRequestsTest {
  @Test
  void rebuildBodyBecomesAScope() {
    JobRequests.Rebuild request = JobRequests.rebuild("""
        {"mode":"FIX","includeMasterCalls":false,"includeSlaveCalls":true,"from":"2026-11-26T14:30:00Z",
         "to":null,"command":"rebuild fix false true 20261126143000","actor":"ann@desk"}""");

    assertThat(request.scope()).isEqualTo(new RebuildScope(false, false, true,
        Instant.parse("2026-11-26T14:30:00Z"), null));
    assertThat(request.command()).isEqualTo("rebuild fix false true 20261126143000");
    assertThat(request.actor()).isEqualTo("ann@desk");
  }

  @Test
  void rebuildFlagsDefaultToTrueAndModeIsCaseInsensitive() {
    JobRequests.Rebuild request = JobRequests.rebuild("{\"mode\":\"full\"}");

    assertThat(request.scope()).isEqualTo(new RebuildScope(true, true, true, null, null));
    assertThat(request.scope().command(ZoneId.of("UTC"))).isEqualTo("Rebuild Full true true");
  }

  @Test
  void malformedRebuildBodiesNameTheField() {
    assertBad("{\"mode\":\"FIXED\"}", "'mode' must be \"FIX\" or \"FULL\", got \"FIXED\"");
    assertBad("{}", "'mode' is required");
    assertBad("{\"mode\":\"FIX\",\"includeSlaveCalls\":\"yes\"}", "'includeSlaveCalls' must be true or false");
    assertBad("{\"mode\":\"FIX\",\"from\":\"yesterday\"}", "'from' must be an ISO-8601 UTC time");
    assertBad("{\"mode\":\"FIX\",\"force\":true}", "unknown field 'force'");
    assertBad("[1]", "the body must be a JSON object");
    assertBad("{\"mode\":", "the body must be a JSON object");
    assertBad("{\"mode\":\"FIX\",\"from\":\"2026-11-27T00:00:00Z\",\"to\":\"2026-11-26T00:00:00Z\"}",
        "'from' (2026-11-27T00:00:00Z) must be before 'to' (2026-11-26T00:00:00Z)");
  }

  @Test
  void reprocessNeedsBothTimes() {
    JobRequests.Reprocess request = JobRequests.reprocess(
        "{\"from\":\"2026-11-26T00:00:00Z\",\"to\":\"2026-11-27T00:00:00Z\"}");
    assertThat(request.to()).isEqualTo(Instant.parse("2026-11-27T00:00:00Z"));
    assertThat(request.actor()).isNull();

    assertThatThrownBy(() -> JobRequests.reprocess("{\"from\":\"2026-11-26T00:00:00Z\"}"))
        .isInstanceOf(RecorderAdmin.BadRequest.class).hasMessage("'to' is required");
    assertThatThrownBy(() -> JobRequests.reprocess("{\"from\":\"2026-11-26T00:00:00Z\",\"to\":\"x\",\"serial\":\"1\"}"))
        .isInstanceOf(RecorderAdmin.BadRequest.class).hasMessageContaining("unknown field 'serial'");
  }

  private static void assertBad(String body, String message) {
    assertThatThrownBy(() -> JobRequests.rebuild(body)).isInstanceOf(RecorderAdmin.BadRequest.class)
        .hasMessageContaining(message);
  }
}
