package io.tandem.database;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.call.Participant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds a finished call for tests: complete, 1 s long, at {@link DatabaseFixture#T0}, unless told otherwise. */
final class CallBuilder {
  private final Inum inum;
  private final CallRole role;
  private String key;
  private String sipIdentity = "";
  private Instant start = DatabaseFixture.T0;
  private long millis = 1000;
  private CallState state = CallState.COMPLETE;
  private final List<Participant> participants = new ArrayList<>();
  private final List<String> quirks = new ArrayList<>();

  private CallBuilder(int serial, long sequence, CallRole role) {
    this.inum = Inum.of(serial, sequence);
    this.role = role;
    this.key = "key-" + inum;
  }

  /** A call recorded as primary. */
  static CallBuilder master(int serial, long sequence) {
    return new CallBuilder(serial, sequence, CallRole.MASTER);
  }

  /** A call recorded as secondary. */
  static CallBuilder slave(int serial, long sequence) {
    return new CallBuilder(serial, sequence, CallRole.SLAVE);
  }

  CallBuilder key(String value) {
    key = value;
    return this;
  }

  CallBuilder sipIdentity(String value) {
    sipIdentity = value;
    return this;
  }

  CallBuilder startMillisAfterT0(long value) {
    start = DatabaseFixture.T0.plusMillis(value);
    return this;
  }

  CallBuilder millis(long value) {
    millis = value;
    return this;
  }

  CallBuilder truncated() {
    state = CallState.TRUNCATED;
    return this;
  }

  /** The participants by their addresses of record. */
  CallBuilder between(String... aors) {
    for (int i = 0; i < aors.length; i++) {
      participants.add(new Participant("p" + i, aors[i], ""));
    }
    return this;
  }

  /** One more participant, by name and address of record. */
  CallBuilder participant(String name, String aor) {
    participants.add(new Participant("p" + participants.size(), aor, name));
    return this;
  }

  CallBuilder quirks(String... kinds) {
    quirks.addAll(List.of(kinds));
    return this;
  }

  CallRecord build() {
    return new CallRecord(inum, key, start, start.plusMillis(millis), role, state, participants, List.of(),
        new MediaStats(millis / 20, 0, millis * 8, millis), "media/" + inum + ".wav", sipIdentity, quirks,
        List.of());
  }
}
