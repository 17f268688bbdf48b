package io.tandem.call;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One recorded segment in a call buffer, keyed by its INUM. Immutable: each change of state is a
 * new record.
 *
 * @param correlationKey the communication session's identifier as the capture source sent it; the
 *     Main's and the Backup's calls of one conversation share it
 * @param end when the call ended, or null while it is recording
 * @param mediaPath the WAV file, relative to the recorder's data directory
 */
public record CallRecord(
    Inum inum,
    String correlationKey,
    Instant start,
    Instant end,
    CallRole callRole,
    CallState state,
    List<Participant> participants,
    List<StreamInfo> streams,
    MediaStats stats,
    String mediaPath) {

  public CallRecord {
    Objects.requireNonNull(inum, "inum");
    Objects.requireNonNull(correlationKey, "correlationKey");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(callRole, "callRole");
    Objects.requireNonNull(state, "state");
    participants = List.copyOf(participants);
    streams = List.copyOf(streams);
    Objects.requireNonNull(stats, "stats");
    Objects.requireNonNull(mediaPath, "mediaPath");
    if (state != CallState.RECORDING && end == null) {
      throw new IllegalArgumentException("a " + state + " call needs an end time: " + inum);
    }
  }

  public boolean complete() {
    return state == CallState.COMPLETE;
  }

  /** The call's length by its start and end, or zero while it is recording. */
  public Duration duration() {
    return end == null ? Duration.ZERO : Duration.between(start, end);
  }

  public CallRecord finish(Instant endedAt, CallState finalState, MediaStats finalStats) {
    return new CallRecord(inum, correlationKey, start, endedAt, callRole, finalState, participants, streams,
        finalStats, mediaPath);
  }
}
