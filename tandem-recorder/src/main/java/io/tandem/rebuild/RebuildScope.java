package io.tandem.rebuild;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * What a Rebuild works on: Full or Fix, the call roles to include (MASTER calls recorded as primary, SLAVE
 * calls recorded as secondary), and the start-time range {@code [fromInclusive, toExclusive)}, where a null
 * bound means the oldest call of the buffer or the moment the rebuild starts. Immutable; the range is
 * checked when built.
 */
public record RebuildScope(boolean full, boolean includeMasterCalls, boolean includeSlaveCalls,
    Instant fromInclusive, Instant toExclusive) {
  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

  public RebuildScope {
    if (fromInclusive != null && toExclusive != null && !fromInclusive.isBefore(toExclusive)) {
      throw new IllegalArgumentException("the start time " + fromInclusive + " must be before the end time "
          + toExclusive);
    }
  }

  /** "Rebuild Full" or "Rebuild Fix". */
  public String label() {
    return full ? "Rebuild Full" : "Rebuild Fix";
  }

  /** The scope as a WorkflowShell command, its times written in the given zone. */
  public String command(ZoneId zone) {
    StringBuilder command = new StringBuilder(label()).append(' ').append(includeMasterCalls).append(' ')
        .append(includeSlaveCalls);
    if (fromInclusive != null || toExclusive != null) {
      command.append(' ').append(shellTime(fromInclusive == null ? Instant.EPOCH : fromInclusive, zone));
    }
    if (toExclusive != null) {
      command.append(' ').append(shellTime(toExclusive, zone));
    }
    return command.toString();
  }

  private static String shellTime(Instant instant, ZoneId zone) {
    String seconds = SECONDS.format(instant.atZone(zone));
    int tenThousandths = instant.getNano() / 100_000;
    return tenThousandths == 0 ? seconds : seconds + String.format(".%04d", tenThousandths);
  }
}
