package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.call.Inum;
import io.tandem.callbuffer.LocalStore;
import io.tandem.database.FailoverView;
import io.tandem.media.WavFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the Recorder Manager in the middle of a failover, then a restart: the failover completes once.
 * The Backup's call buffer holds many calls of the rollback window that the Main never marked, so the
 * promotion lasts long enough to be cut.
 */
class ManagerCrashTest {
  private static final int BACKUP = 395_002;
  private static final int CALLS = 20_000;

  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPairOnAFilledBackup() throws Exception {
    fillBuffer(root.resolve("backup"), BACKUP, CALLS, Duration.ofMinutes(4));
    pair = new PairFixture(root, 395_001, BACKUP, 26_000, true);
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void managerKilledMidFailoverCompletesItOnceAfterRestart() throws Exception {
    pair.main.kill9();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10))
        .until(() -> pair.database.openFailovers().size() == 1);
    pair.managerProcess.kill9();
    assertThat(pair.database.openFailovers()).as("the failover is cut in the middle").hasSize(1);

    pair.managerProcess.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> pair.database.openFailovers().isEmpty());

    List<FailoverView> failovers = pair.database.failovers();
    assertThat(failovers).singleElement().satisfies(failover -> {
      assertThat(failover.state()).isEqualTo("DONE");
      assertThat(failover.promoted()).isEqualTo(CALLS);
      assertThat(failover.alreadyPresent()).isZero();
    });
    JsonNode events = pair.events();
    long failoverEvents = 0;
    for (JsonNode event : events) {
      if ("FAILOVER".equals(event.get("type").asText())) {
        failoverEvents++;
        assertThat(event.get("details").get("promoted").asInt()).isEqualTo(CALLS);
      }
    }
    assertThat(failoverEvents).isEqualTo(1);
    assertThat(pair.database.interactionCount()).isEqualTo(CALLS);
  }

  /** Calls the Backup recorded as secondary in the last minutes, with their (silent) media, never marked. */
  static void fillBuffer(Path dataDir, int serial, int calls, Duration spread) throws Exception {
    Files.createDirectories(dataDir.resolve("calls"));
    ByteBuffer header = WavFile.header(1, 0);
    long first = Instant.now().minus(spread).minusSeconds(30).getEpochSecond() * 1_000_000_000L;
    long step = spread.toNanos() / calls;
    try (LocalStore store = LocalStore.open(dataDir.resolve("buffer.db"))) {
      store.transaction(c -> {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO calls (inum, correlation_key, start_nanos,"
            + " end_nanos, call_role, state, participants, streams, packets_received, packets_lost, media_bytes,"
            + " duration_millis, media_path) VALUES (?, ?, ?, ?, 'SLAVE', 'COMPLETE', '[]', '[]', 0, 0, 0, 0, ?)")) {
          for (int i = 0; i < calls; i++) {
            Inum inum = Inum.of(serial, 500_000_000L + i);
            String media = "calls/" + inum + ".wav";
            try (FileChannel file = FileChannel.open(dataDir.resolve(media), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
              file.write(header.duplicate());
            }
            insert.setLong(1, inum.value());
            insert.setString(2, "earlier-" + i);
            insert.setLong(3, first + i * step);
            insert.setLong(4, first + i * step + 1_000_000_000L);
            insert.setString(5, media);
            insert.addBatch();
          }
          insert.executeBatch();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        return null;
      });
    }
  }
}
