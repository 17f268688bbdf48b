package io.tandem.simulator;

import java.time.Instant;
import java.util.List;

/**
 * One conversation the simulator started: its index, the session id sent to the first recorder, its start, the
 * tone of each stream (Hz), the session id sent to each recorder of the plan (in the plan's order; all the same
 * unless the plan gives each recorder its own), and the recorded call's SIP identity sent in the metadata, or
 * empty when none was sent.
 */
public record ConversationSent(int index, String sessionId, Instant start, double frequency1, double frequency2,
    List<String> recorderSessionIds, String sipIdentity) {
  public ConversationSent {
    recorderSessionIds = List.copyOf(recorderSessionIds);
  }
}
