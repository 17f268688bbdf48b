package io.tandem.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.admin.BeatStream;
import io.tandem.admin.RecorderClients;
import io.tandem.admin.RecorderException;
import io.tandem.admin.RecorderHealth;
import io.tandem.call.Position;
import io.tandem.callbuffer.DiskFloor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/beats} on a real recorder: who may open it, what it sends, and how it ends. */
class RecorderBeatsRouteTest {
  private static final String SECRET = "the-manager-secret-of-this-test-0123456789";

  @TempDir
  Path dataDir;
  private Recorder recorder;
  private final RecorderClients manager = new RecorderClients(Duration.ofSeconds(5), null, SECRET);
  private final RecorderClients stranger = new RecorderClients(Duration.ofSeconds(5));

  @BeforeEach
  void startRecorder() throws Exception {
    // No call database is needed: the Manager is known by its secret alone.
    recorder = new Recorder(new RecorderConfig(654322, null, "pair-b", Position.MAIN, dataDir, ZoneId.of("UTC"),
        "127.0.0.1", 0, "127.0.0.1", 0, 40_200, 40_300, 1, Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofSeconds(60), Duration.ofDays(30), Long.MAX_VALUE, DiskFloor.DEFAULT, Duration.ofSeconds(60),
        "jdbc:postgresql://127.0.0.1:1/tandem", "postgres", "", "").withManagerSecret(SECRET),
        Clock.systemUTC()).start();
  }

  @AfterEach
  void stop() {
    recorder.stop();
    manager.close();
    stranger.close();
  }

  @Test
  void theManagerGetsTheRecordersHealthAtOnceAndThenAtTheIntervalItAsked() {
    try (BeatStream beats = manager.of(recorder.adminUrl()).beats(Duration.ofMillis(50), Duration.ofSeconds(5))) {
      RecorderHealth first = beats.next();
      long firstAt = System.nanoTime();
      for (int i = 0; i < 4; i++) {
        assertThat(beats.next().serial()).isEqualTo("654322");
      }

      assertThat(first.serial()).isEqualTo("654322");
      assertThat(first.capturing()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - firstAt)).as("four intervals of 50 ms after the first beat")
          .isGreaterThanOrEqualTo(Duration.ofMillis(190));
    }
  }

  @Test
  void beatsWithoutTheManagersSecretAreRefused() {
    assertThatThrownBy(() -> stranger.of(recorder.adminUrl()).beats(Duration.ofMillis(50), Duration.ofSeconds(5)))
        .isInstanceOfSatisfying(RecorderException.class, e -> assertThat(e.status()).isEqualTo(401));
  }

  @Test
  void anIntervalOutOfRangeIsRefusedSayingWhatWasExpected() {
    assertThatThrownBy(() -> manager.of(recorder.adminUrl()).beats(Duration.ofMillis(5), Duration.ofSeconds(5)))
        .isInstanceOfSatisfying(RecorderException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).contains("'everyMs'", "from 10 to 10000", "'5'");
        });
    assertThat(manager.of(recorder.adminUrl()).health(Duration.ofSeconds(5)).capturing())
        .as("the recorder is still up").isTrue();
  }

  @Test
  void stoppingTheRecorderEndsItsBeatsAndWaitsForNone() throws Exception {
    BeatStream beats = manager.of(recorder.adminUrl()).beats(Duration.ofSeconds(10), Duration.ofSeconds(5));
    beats.next();
    CompletableFuture<RecorderException> ended = CompletableFuture.supplyAsync(() -> {
      try {
        beats.next();
        return null;
      } catch (RecorderException e) {
        return e;
      }
    });
    long stoppingAt = System.nanoTime();
    recorder.stop();

    assertThat(ended.get(30, TimeUnit.SECONDS)).isNotNull();
    assertThat(Duration.ofNanos(System.nanoTime() - stoppingAt)).as("well before the next beat was due")
        .isLessThan(Duration.ofSeconds(10));
  }
}
