package io.tandem.database;

import io.tandem.call.CallRecord;
import io.tandem.call.Participant;
import java.util.List;

/**
 * What a batch's calls of one conversation say of its interaction: the call that started first (whose
 * participants, SIP identity and participants key the interaction takes when it has none), the one that
 * ended last, and the best of them. Mutable only while the batch's calls are added, one thread.
 */
final class Span {
  private CallRecord first;
  private CallRecord last;
  private CallRecord best;

  Span(CallRecord call) {
    first = call;
    last = call;
    best = call;
  }

  void add(CallRecord call) {
    if (BestCopy.FIRST.compare(call, best) < 0) {
      best = call;
    }
    if (call.start().isBefore(first.start())) {
      first = call;
    }
    if (call.end() != null && (last.end() == null || call.end().isAfter(last.end()))) {
      last = call;
    }
  }

  long startMicros() {
    return CallColumns.micros(first.start());
  }

  /** The latest end, or null while every call of the span is recording. */
  Long endMicros() {
    return last.end() == null ? null : CallColumns.micros(last.end());
  }

  List<Participant> participants() {
    return first.participants();
  }

  /** The SIP identity, or null when the capture source gave none. */
  String sipIdentity() {
    return first.sipIdentity().isEmpty() ? null : first.sipIdentity();
  }

  String participantsKey() {
    return ParticipantsKey.of(first.participants());
  }

  long bestInum() {
    return best.inum().value();
  }

  /** The best call of the span by {@link BestCopy}. */
  CallRecord best() {
    return best;
  }
}
