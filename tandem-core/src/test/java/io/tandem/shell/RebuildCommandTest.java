package io.tandem.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.call.CallRole;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RebuildCommandTest {

  @Test
  void timesAreLocalToTheRecorderZone() {
    RebuildCommand command = parse("Rebuild Fix true true 20261126143000.25 20261126150000");
    assertThat(command.startInstant(ZoneOffset.UTC)).contains(Instant.parse("2026-11-26T14:30:00.25Z"));
    assertThat(command.endInstant(ZoneId.of("Europe/Paris"))).contains(Instant.parse("2026-11-26T14:00:00Z"));
  }

  @Test
  void absentTimesGiveNoInstant() {
    RebuildCommand command = parse("Rebuild Full");
    assertThat(command.startInstant(ZoneOffset.UTC)).isEmpty();
    assertThat(command.endInstant(ZoneOffset.UTC)).isEmpty();
  }

  @Test
  void aTimeInTheSpringGapMovesForwardByTheGap() {
    RebuildCommand command = parse("Rebuild Fix true true 20270328023000");
    assertThat(command.startInstant(ZoneId.of("Europe/Paris"))).contains(Instant.parse("2027-03-28T01:30:00Z"));
  }

  @Test
  void includesFollowsTheFlagOfEachCallRole() {
    RebuildCommand masterOnly = parse("Rebuild Fix true false");
    assertThat(masterOnly.includes(CallRole.MASTER)).isTrue();
    assertThat(masterOnly.includes(CallRole.SLAVE)).isFalse();
    RebuildCommand slaveOnly = parse("Rebuild Fix false true");
    assertThat(slaveOnly.includes(CallRole.MASTER)).isFalse();
    assertThat(slaveOnly.includes(CallRole.SLAVE)).isTrue();
  }

  private static RebuildCommand parse(String line) {
    return ((ShellCommand.Rebuild) ShellParser.parse(line)).command();
  }
}
