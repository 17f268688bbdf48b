package io.tandem.call;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
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
 * @param sipIdentity the recorded communication session's own SIP identity where the capture source gave
 *     one (the metadata's {@code sipSessionID}, or the Call-ID of the recorded call), or empty; copies whose
 *     correlation keys differ are matched by it
 * @param quirks what the capture source sent that was odd but recordable, one short kind each (such as
 *     {@code no-metadata} or {@code codec-unsupported:G729}), in the order first seen, each once
 * @param dtmf the DTMF digits sent during the call, in order of their start
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
    String mediaPath,
    String sipIdentity,
    List<String> quirks,
    List<DtmfEvent> dtmf) {

  /** The quirk of a copy that holds no media: none of it reached its recorder's disk. */
  public static final String NO_MEDIA = "no-media";

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
    sipIdentity = sipIdentity == null ? "" : sipIdentity;
    quirks = quirks == null || quirks.isEmpty() ? List.of() : List.copyOf(new LinkedHashSet<>(quirks));
    dtmf = dtmf == null ? List.of() : List.copyOf(dtmf);
    if (state != CallState.RECORDING && end == null) {
      throw new IllegalArgumentException("a " + state + " call needs an end time: " + inum);
    }
  }

  /** A call with no SIP identity, no quirks and no DTMF events. */
  public CallRecord(Inum inum, String correlationKey, Instant start, Instant end, CallRole callRole, CallState state,
      List<Participant> participants, List<StreamInfo> streams, MediaStats stats, String mediaPath) {
    this(inum, correlationKey, start, end, callRole, state, participants, streams, stats, mediaPath, "", List.of(),
        List.of());
  }

  public boolean complete() {
    return state == CallState.COMPLETE;
  }

  /** The call's length by its start and end, or zero while it is recording. */
  public Duration duration() {
    return end == null ? Duration.ZERO : Duration.between(start, end);
  }

  public CallRecord finish(Instant endedAt, CallState finalState, MediaStats finalStats) {
    return finish(endedAt, finalState, finalStats, dtmf);
  }

  /** This call ended, with its final media statistics and DTMF events. */
  public CallRecord finish(Instant endedAt, CallState finalState, MediaStats finalStats, List<DtmfEvent> events) {
    return new CallRecord(inum, correlationKey, start, endedAt, callRole, finalState, participants, streams,
        finalStats, mediaPath, sipIdentity, quirks, events);
  }

  /**
   * This call as a copy that holds nothing, for a call none of whose media reached the disk: truncated, with no
   * media statistics and the quirk {@value #NO_MEDIA}, so that the best-copy rule ranks it below every copy that
   * holds media. Its start, end, participants and correlation key are kept: it is still a copy of its conversation.
   */
  public CallRecord withoutMedia() {
    List<String> marked = new java.util.ArrayList<>(quirks);
    marked.add(NO_MEDIA);
    return new CallRecord(inum, correlationKey, start, end, callRole, CallState.TRUNCATED, participants, streams,
        MediaStats.NONE, mediaPath, sipIdentity, marked, dtmf);
  }

  /** This call with what later metadata said of it: participants, streams, SIP identity and quirks. */
  public CallRecord describedAs(List<Participant> newParticipants, List<StreamInfo> newStreams,
      String newSipIdentity, List<String> newQuirks) {
    return new CallRecord(inum, correlationKey, start, end, callRole, state, newParticipants, newStreams, stats,
        mediaPath, newSipIdentity, newQuirks, dtmf);
  }
}
