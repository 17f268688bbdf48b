package io.tandem.callbuffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveScanTest {
  private static final Instant FROM = Instant.parse("2026-12-01T12:00:00Z");
  private static final Instant TO = FROM.plusSeconds(20);

  @TempDir
  Path dataDir;
  private LocalStore store;
  private CallBuffer buffer;

  @BeforeEach
  void openBuffer() {
    store = LocalStore.open(dataDir.resolve("buffer.db"));
    buffer = CallBufferTest.bufferOn(store);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void everyCallThatOverlapsTheRangeIsFoundAndNoOther() {
    finished("ended-before", FROM.minusSeconds(100), FROM.minusNanos(1), CallRole.SLAVE);
    CallRecord endedAtStart = finished("ended-at-start", FROM.minusSeconds(100), FROM, CallRole.SLAVE);
    CallRecord straddlingStart = finished("straddling-start", FROM.minusSeconds(30), FROM.plusSeconds(5),
        CallRole.MASTER);
    CallRecord straddlingWhole = finished("straddling-whole", FROM.minusSeconds(30), TO.plusSeconds(5),
        CallRole.SLAVE);
    CallRecord recordingBefore = buffer.begin("recording-before", FROM.minusSeconds(3600), CallRole.SLAVE, List.of(),
        List.of());
    CallRecord startedIn = finished("started-in", FROM, FROM.plusSeconds(1), CallRole.SLAVE);
    CallRecord recordingIn = buffer.begin("recording-in", TO.minusNanos(1), CallRole.MASTER, List.of(), List.of());
    finished("started-at-end", TO, TO.plusSeconds(1), CallRole.SLAVE);
    buffer.begin("recording-after", TO, CallRole.SLAVE, List.of(), List.of());

    assertThat(buffer.scanLive(FROM, TO)).containsExactlyInAnyOrder(endedAtStart.inum(), straddlingStart.inum(),
        straddlingWhole.inum(), recordingBefore.inum(), startedIn.inum(), recordingIn.inum());
    assertThat(buffer.countLive(FROM, TO)).isEqualTo(6);
    assertThat(live(true, false)).containsExactlyInAnyOrder(straddlingStart.inum(), recordingIn.inum());
    assertThat(live(false, true)).containsExactlyInAnyOrder(endedAtStart.inum(), straddlingWhole.inum(),
        recordingBefore.inum(), startedIn.inum());
  }

  @Test
  void callsThatStartedBeforeTheRangeArePagedByTheirEndEachOnce() {
    List<Inum> edge = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      edge.add(finished("edge-" + i, FROM.minusSeconds(60 + i), FROM.plusSeconds(i), CallRole.SLAVE).inum());
    }
    List<ScanPage> pages = new ArrayList<>();

    long fed = new LiveScan(store, 2).scan(CallRows.nanos(FROM), CallRows.nanos(TO), true, true, pages::add);

    assertThat(fed).isEqualTo(5);
    assertThat(pages).extracting(ScanPage::scanned).containsExactly(2, 2, 1);
    assertThat(pages.stream().flatMap(page -> page.matched().stream())).containsExactlyElementsOf(edge);
  }

  @Test
  void aCallThatEndsWhileTheScanRunsIsFedOnce() {
    CallRecord recording = buffer.begin("recording", FROM.minusSeconds(60), CallRole.SLAVE, List.of(), List.of());
    List<Inum> fed = new ArrayList<>();

    buffer.scanLive(FROM, TO, true, true, page -> {
      if (fed.isEmpty()) {
        buffer.finish(recording.inum(), FROM.plusSeconds(1), CallState.COMPLETE, MediaStats.NONE);
      }
      fed.addAll(page.matched());
    });

    assertThat(fed).containsExactly(recording.inum());
  }

  private List<Inum> live(boolean master, boolean slave) {
    List<Inum> inums = new ArrayList<>();
    buffer.scanLive(FROM, TO, master, slave, page -> inums.addAll(page.matched()));
    return inums;
  }

  private CallRecord finished(String key, Instant start, Instant end, CallRole role) {
    CallRecord call = buffer.begin(key, start, role, List.of(), List.of());
    return buffer.finish(call.inum(), end, CallState.COMPLETE, MediaStats.NONE);
  }
}
