package io.tandem.simulator;

import java.time.Instant;
import java.util.List;

/**
 * One conversation the simulator started: its index, the session id sent to the first recorder, its start, the
 * tone of each stream (Hz), the session id sent to each recorder of the plan (in the plan's order; all the same
 * unless the plan gives each recorder its own), the recorded call's SIP identity sent in the metadata, or
 * empty when none was sent, and the pair it went to (its place among the plan's pairs, from 0).
 */
public record ConversationSent(int index, String sessionId, Instant start, double frequency1, double frequency2,
    List<String> recorderSessionIds, String sipIdentity, int pair) {
  public ConversationSent {
    recorderSessionIds = List.copyOf(recorderSessionIds);
  }

  /** A conversation sent to a plan's only pair. */
  public ConversationSent(int index, String sessionId, Instant start, double frequency1, double frequency2,
      List<String> recorderSessionIds, String sipIdentity) {
    this(index, sessionId, start, frequency1, frequency2, recorderSessionIds, sipIdentity, 0);
  }
}
