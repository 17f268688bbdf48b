package io.tandem.shell;

import io.tandem.call.CallRole;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

/**
 * One Rebuild: {@code Rebuild (Full|Fix) [IncMasterCalls [IncSlaveCalls [StartTime [EndTime]]]]}.
 * StartTime and EndTime are local times in the recorder's zone, kept to 1/10000 s; an absent StartTime
 * means the oldest call in the call buffer, an absent EndTime means now. A call matches when
 * StartTime &lt;= its start &lt; EndTime and its role is included. Immutable; {@code toString()} prints
 * the canonical command text, which {@link ShellParser#parse} turns back into an equal command.
 */
public record RebuildCommand(RebuildMode mode, boolean includeMasterCalls, boolean includeSlaveCalls,
    Optional<LocalDateTime> start, Optional<LocalDateTime> end) {

  public RebuildCommand {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    start.ifPresent(time -> requireExpressible("start", time));
    end.ifPresent(time -> requireExpressible("end", time));
    if (end.isPresent() && start.isEmpty()) {
      throw new IllegalArgumentException("end needs a start: EndTime follows StartTime in the command");
    }
    if (end.isPresent() && !end.get().isAfter(start.get())) {
      throw new IllegalArgumentException("end must be after start, got start " + start.get() + " and end " + end.get());
    }
  }

  /** Every call of the buffer, MASTER and SLAVE, from the oldest to now. */
  public static RebuildCommand all(RebuildMode mode) {
    return new RebuildCommand(mode, true, true, Optional.empty(), Optional.empty());
  }

  /** Whether calls recorded in {@code role} are part of this rebuild. */
  public boolean includes(CallRole role) {
    return role == CallRole.MASTER ? includeMasterCalls : includeSlaveCalls;
  }

  /**
   * StartTime as an instant in {@code zone}; empty when the command gave none. A local time that falls
   * in a daylight-saving gap moves forward by the gap; one that falls in an overlap takes the earlier offset.
   */
  public Optional<Instant> startInstant(ZoneId zone) {
    return start.map(time -> time.atZone(zone).toInstant());
  }

  /** EndTime as an instant in {@code zone}, resolved as {@link #startInstant}; empty when the command gave none. */
  public Optional<Instant> endInstant(ZoneId zone) {
    return end.map(time -> time.atZone(zone).toInstant());
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("Rebuild ").append(mode.word())
        .append(' ').append(includeMasterCalls).append(' ').append(includeSlaveCalls);
    start.ifPresent(time -> text.append(' ').append(CommandTime.format(time)));
    end.ifPresent(time -> text.append(' ').append(CommandTime.format(time)));
    return text.toString();
  }

  private static void requireExpressible(String field, LocalDateTime time) {
    if (!CommandTime.expressible(time)) {
      throw new IllegalArgumentException(field + " must be in years 0000 to 9999 and kept to 1/10000 s, got " + time);
    }
  }
}
