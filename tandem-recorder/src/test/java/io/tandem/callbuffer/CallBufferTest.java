package io.tandem.callbuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.DtmfEvent;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.call.Participant;
import io.tandem.call.StreamInfo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallBufferTest {
  private static final Instant START = Instant.parse("2026-11-26T23:59:58.123456789Z");
  private static final List<Participant> PARTIES = List.of(new Participant("p1", "sip:alice@example.com", "Alice"));
  private static final List<StreamInfo> STREAMS = List.of(new StreamInfo("1", 0, "p1", "PCMA"));

  @TempDir
  Path dataDir;
  private LocalStore store;
  private CallBuffer buffer;

  @BeforeEach
  void openBuffer() {
    store = LocalStore.open(dataDir.resolve("buffer.db"));
    buffer = bufferOn(store);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void beginRecordsCallAsRecordingWithDatedMediaPath() {
    CallRecord call = buffer.begin("session-1", START, CallRole.MASTER, PARTIES, STREAMS);

    assertThat(call.state()).isEqualTo(CallState.RECORDING);
    assertThat(call.inum().serial()).isEqualTo(123456);
    assertThat(call.mediaPath()).isEqualTo("calls/2026/11/26/" + call.inum() + ".wav");
    assertThat(buffer.find(call.inum())).contains(call);
    assertThat(buffer.recording()).containsExactly(call);
  }

  @Test
  void finishedCallSurvivesUncleanReopen() {
    CallRecord call = buffer.begin("session-1", START, CallRole.SLAVE, PARTIES, STREAMS);
    CallRecord finished = buffer.finish(call.inum(), START.plusSeconds(5), CallState.COMPLETE,
        new MediaStats(250, 1, 80_000, 5_000));

    try (LocalStore reopened = LocalStore.open(dataDir.resolve("buffer.db"))) {
      assertThat(bufferOn(reopened).find(call.inum())).contains(finished);
    }
  }

  @Test
  void secondFinishKeepsTheFirstEnd() {
    CallRecord call = buffer.begin("session-1", START, CallRole.MASTER, PARTIES, STREAMS);
    CallRecord first = buffer.finish(call.inum(), START.plusSeconds(5), CallState.COMPLETE, MediaStats.NONE);

    CallRecord again = buffer.finish(call.inum(), START.plusSeconds(9), CallState.TRUNCATED, MediaStats.NONE);

    assertThat(again).isEqualTo(first);
    assertThat(buffer.find(call.inum())).contains(first);
  }

  @Test
  void badFinishNamesWhatWasExpected() {
    CallRecord call = buffer.begin("session-1", START, CallRole.MASTER, PARTIES, STREAMS);

    assertThatThrownBy(() -> buffer.finish(call.inum(), START.minusSeconds(1), CallState.COMPLETE, MediaStats.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before its start");
    assertThatThrownBy(() -> buffer.finish(call.inum(), START, CallState.RECORDING, MediaStats.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("COMPLETE or TRUNCATED");
    assertThatThrownBy(() -> buffer.finish(Inum.of(123456, 999), START, CallState.COMPLETE, MediaStats.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no call");
    assertThat(buffer.find(call.inum()).orElseThrow().state()).isEqualTo(CallState.RECORDING);
  }

  @Test
  void anUpdateReplacesTheDescriptionAndKeepsTheRest() {
    CallRecord call = buffer.begin("session-1", START, CallRole.MASTER, List.of(), List.of());

    buffer.update(call.inum(), c -> c.describedAs(PARTIES, STREAMS, "identity", List.of("metadata-late")));

    CallRecord stored = buffer.find(call.inum()).orElseThrow();
    assertThat(stored.participants()).isEqualTo(PARTIES);
    assertThat(stored.streams()).isEqualTo(STREAMS);
    assertThat(stored.sipIdentity()).isEqualTo("identity");
    assertThat(stored.quirks()).containsExactly("metadata-late");
    assertThat(stored.start()).isEqualTo(START);
  }

  @Test
  void everyMetadataBodyIsKeptAsItCameInTheOrderReceived() {
    byte[] first = "<recording xmlns='urn:ietf:params:xml:ns:recording:1'><session session_id='s'/></recording>"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] unreadable = {'<', 'r', (byte) 0xFF, 0};
    CallRecord call = buffer.begin("session-1", START, CallRole.MASTER, PARTIES, STREAMS, "", List.of(),
        MetadataBody.received(START, "application/rs-metadata+xml", first));
    CallRecord other = buffer.begin("session-2", START, CallRole.MASTER, PARTIES, STREAMS);

    buffer.update(call.inum(), c -> c, MetadataBody.received(START.plusSeconds(3), "application/rs-metadata",
        unreadable));

    assertThat(buffer.metadata(call.inum())).containsExactly(
        new MetadataBody(1, START, "application/rs-metadata+xml", first),
        new MetadataBody(2, START.plusSeconds(3), "application/rs-metadata", unreadable));
    assertThat(buffer.metadata(other.inum())).isEmpty();
    assertThat(buffer.metadata(Inum.of(123456, 999))).isEmpty();
  }

  @Test
  void aDiscardedCallTakesItsMetadataWithIt() {
    CallRecord call = buffer.begin("session-1", START, CallRole.MASTER, PARTIES, STREAMS, "", List.of(),
        MetadataBody.received(START, "application/rs-metadata+xml", new byte[] {'<', '/', '>'}));

    assertThat(buffer.discard(call.inum())).isTrue();

    assertThat(buffer.metadata(call.inum())).isEmpty();
  }

  @Test
  void sipIdentityQuirksAndDtmfSurviveAReopen() {
    CallRecord call = buffer.begin("session-1", START, CallRole.MASTER, PARTIES, STREAMS, "cs-call-id@sbc",
        List.of("no-require-siprec", "no-metadata", "no-require-siprec"));
    buffer.update(call.inum(), c -> c.describedAs(c.participants(), c.streams(), c.sipIdentity(),
        List.of("no-require-siprec", "no-metadata", "time-without-zone")));
    List<DtmfEvent> digits = List.of(new DtmfEvent("5", 1_200, 160), new DtmfEvent("#", 2_000, 80));
    CallRecord finished = buffer.finish(call.inum(), START.plusSeconds(5), CallState.COMPLETE,
        new MediaStats(250, 0, 80_000, 5_000), digits);

    try (LocalStore reopened = LocalStore.open(dataDir.resolve("buffer.db"))) {
      CallRecord stored = bufferOn(reopened).find(call.inum()).orElseThrow();
      assertThat(stored).isEqualTo(finished);
      assertThat(stored.sipIdentity()).isEqualTo("cs-call-id@sbc");
      assertThat(stored.quirks()).containsExactly("no-require-siprec", "no-metadata", "time-without-zone");
      assertThat(stored.dtmf()).isEqualTo(digits);
    }
  }

  @Test
  void aCallWithoutAnnotationsHasEmptyOnes() {
    CallRecord call = buffer.begin("session-1", START, CallRole.MASTER, PARTIES, STREAMS);

    CallRecord stored = buffer.find(call.inum()).orElseThrow();

    assertThat(stored.sipIdentity()).isEmpty();
    assertThat(stored.quirks()).isEmpty();
    assertThat(stored.dtmf()).isEmpty();
  }

  @Test
  void findByCorrelationKeyReturnsTheLatestCall() {
    buffer.begin("session-1", START, CallRole.MASTER, PARTIES, STREAMS);
    CallRecord later = buffer.begin("session-1", START.plusSeconds(60), CallRole.MASTER, PARTIES, STREAMS);
    buffer.begin("session-2", START.plusSeconds(120), CallRole.MASTER, PARTIES, STREAMS);

    assertThat(buffer.findByCorrelationKey("session-1")).contains(later);
    assertThat(buffer.findByCorrelationKey("unknown")).isEmpty();
  }

  @Test
  void batchFindAndListReturnOnlyWhatMatches() {
    CallRecord first = buffer.begin("a", START, CallRole.MASTER, PARTIES, STREAMS);
    CallRecord second = buffer.begin("b", START.plusSeconds(10), CallRole.MASTER, PARTIES, STREAMS);
    buffer.begin("c", START.plusSeconds(20), CallRole.MASTER, PARTIES, STREAMS);

    assertThat(buffer.find(List.of(second.inum(), first.inum(), Inum.of(123456, 999_999))))
        .containsExactly(first, second);
    assertThat(buffer.list(START, START.plusSeconds(20), 10)).containsExactly(first, second);
    assertThat(buffer.list(START, Instant.MAX, 1)).containsExactly(first);
    assertThatThrownBy(() -> buffer.list(START, START, 0)).hasMessageContaining("limit must be");
  }

  @Test
  void rowsTheFastReaderLeavesAreStillReadThroughTheObjectMapper() {
    CallRecord call = buffer.begin("odd", START, CallRole.MASTER, PARTIES, STREAMS);
    store.transaction(c -> {
      try (var update = c.prepareStatement("UPDATE calls SET participants = ?, streams = ? WHERE inum = ?")) {
        update.setString(1, "[{\"id\":\"p1\",\"aor\":\"sip:alice@example.com\",\"name\":null}]");
        update.setString(2, "[{\"label\":\"1\",\"participantId\":\"p1\",\"codec\":\"PCMA\"}]");
        update.setLong(3, call.inum().value());
        return update.executeUpdate();
      }
    });

    CallRecord read = buffer.find(call.inum()).orElseThrow();

    assertThat(read.participants()).containsExactly(new Participant("p1", "sip:alice@example.com", ""));
    assertThat(read.streams()).containsExactly(new StreamInfo("1", 0, "p1", "PCMA"));
  }

  @Test
  void presentAmongNamesOnlyCallsInTheBuffer() {
    CallRecord first = buffer.begin("a", START, CallRole.MASTER, PARTIES, STREAMS);
    CallRecord second = buffer.begin("b", START, CallRole.SLAVE, PARTIES, STREAMS);

    assertThat(buffer.presentAmong(List.of(first.inum(), second.inum(), Inum.of(123456, 999_999))))
        .containsOnly(first.inum(), second.inum());
    assertThat(buffer.presentAmong(List.of())).isEmpty();
  }

  @Test
  void statsCountCallsBytesAndStarts() {
    assertThat(buffer.stats()).isEqualTo(new BufferStats(0, 0, null, null));
    CallRecord call = buffer.begin("a", START, CallRole.MASTER, PARTIES, STREAMS);
    buffer.finish(call.inum(), START.plusSeconds(1), CallState.COMPLETE, new MediaStats(50, 0, 16_000, 1_000));
    buffer.begin("b", START.plusSeconds(30), CallRole.MASTER, PARTIES, STREAMS);

    assertThat(buffer.stats()).isEqualTo(new BufferStats(2, 16_000, START, START.plusSeconds(30)));
  }

  @Test
  void recoverInterruptedTruncatesRecordingCallsWithRepairedMedia() {
    CallRecord measured = buffer.begin("a", START, CallRole.MASTER, PARTIES, STREAMS);
    CallRecord unmeasurable = buffer.begin("b", START, CallRole.MASTER, PARTIES, STREAMS);
    CallRecord done = buffer.begin("c", START, CallRole.MASTER, PARTIES, STREAMS);
    buffer.finish(done.inum(), START.plusSeconds(3), CallState.COMPLETE, MediaStats.NONE);
    Instant now = START.plusSeconds(3600);

    int recovered = buffer.recoverInterrupted(now, call -> {
      if (call.inum().equals(unmeasurable.inum())) {
        throw new IllegalStateException("no media file");
      }
      return new MediaStats(100, 0, 32_000, 2_000);
    });

    assertThat(recovered).isEqualTo(2);
    CallRecord truncated = buffer.find(measured.inum()).orElseThrow();
    assertThat(truncated.state()).isEqualTo(CallState.TRUNCATED);
    assertThat(truncated.end()).isEqualTo(START.plusMillis(2_000));
    assertThat(truncated.stats().bytes()).isEqualTo(32_000);
    assertThat(buffer.find(unmeasurable.inum()).orElseThrow().end()).isEqualTo(now);
    assertThat(buffer.find(done.inum()).orElseThrow().state()).isEqualTo(CallState.COMPLETE);
    assertThat(buffer.recording()).isEmpty();
  }

  static CallBuffer bufferOn(LocalStore store) {
    return new CallBuffer(store, new InumAllocator(store, 123456, null),
        Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC));
  }
}
