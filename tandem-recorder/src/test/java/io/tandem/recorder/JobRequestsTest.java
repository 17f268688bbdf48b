package io.tandem.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.rebuild.RebuildScope;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class JobRequestsTest {
  @Test
  void aRebuildCommandIsReadInTheRecordersTimeZone() {
    JobRequests.Rebuild request = JobRequests.rebuild("""
        {"command":"rebuild fix false true 20261126143000","actor":"ann@desk"}""", ZoneId.of("Europe/Paris"));

    assertThat(request.scope()).isEqualTo(new RebuildScope(false, false, true,
        Instant.parse("2026-11-26T13:30:00Z"), null));
    assertThat(request.command()).isEqualTo("Rebuild Fix false true 20261126143000");
    assertThat(request.actor()).isEqualTo("ann@desk");
  }

  @Test
  void aRebuildWithoutArgumentsTakesEveryCallOfEitherRole() {
    JobRequests.Rebuild request = JobRequests.rebuild("{\"command\":\"REBUILD FULL\"}", ZoneId.of("UTC"));

    assertThat(request.scope()).isEqualTo(new RebuildScope(true, true, true, null, null));
    assertThat(request.command()).isEqualTo("Rebuild Full true true");
  }

  @Test
  void malformedRebuildBodiesSayWhatWasExpected() {
    assertBad("{\"command\":\"Rebuild Fixed\"}", "expected Full or Fix after Rebuild");
    assertBad("{}", "'command' is required");
    assertBad("{\"command\":\"status\"}", "'command' must be a Rebuild command");
    assertBad("{\"command\":\"Rebuild Fix true yes\"}", "IncSlaveCalls");
    assertBad("{\"command\":\"Rebuild Fix\",\"force\":true}", "unknown field 'force'");
    assertBad("[1]", "the body must be a JSON object");
    assertBad("{\"command\":", "the body must be a JSON object");
    assertBad("{\"command\":\"Rebuild Fix true true 20261127000000 20261126000000\"}", "EndTime");
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
    assertThatThrownBy(() -> JobRequests.rebuild(body, ZoneId.of("UTC"))).isInstanceOf(RecorderAdmin.BadRequest.class)
        .hasMessageContaining(message);
  }
}
