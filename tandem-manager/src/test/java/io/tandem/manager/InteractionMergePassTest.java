package io.tandem.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.call.Participant;
import io.tandem.call.Position;
import io.tandem.database.CallDatabase;
import io.tandem.database.CopyView;
import io.tandem.database.EmbeddedDatabase;
import io.tandem.database.Fence;
import io.tandem.database.InteractionView;
import io.tandem.database.RecorderRegistration;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InteractionMergePassTest {
  private static final Instant T0 = Instant.parse("2026-11-26T14:30:00Z");

  @TempDir
  Path files;

  @Test
  void interactionsTwoRecordersMadeOfOneConversationAreMergedWhileThePassRuns() throws Exception {
    try (EmbeddedDatabase server = EmbeddedDatabase.start(files.resolve("database"), 0);
        CallDatabase database = CallDatabase.connect(server.config(4))) {
      database.migrate();
      database.register(new RecorderRegistration(600_000, "pair-x", Position.MAIN, "http://127.0.0.1:1", "a:1"));
      database.register(new RecorderRegistration(600_001, "pair-x", Position.BACKUP, "http://127.0.0.1:2", "a:2"));
      // The Backup's copy was promoted before the Main marked its own, each under its own session id.
      database.mark(new Fence(600_001, 1), List.of(call(600_001, CallRole.SLAVE, "backup-key", 0)));
      database.mark(new Fence(600_000, 1), List.of(call(600_000, CallRole.MASTER, "main-key", 400)));
      assertThat(interactions(database)).hasSize(2);

      try (InteractionMergePass pass = new InteractionMergePass(database, Duration.ofMillis(50), () -> true)) {
        pass.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> interactions(database).size() == 1);
      }

      assertThat(interactions(database).getFirst().copies()).extracting(CopyView::serial)
          .containsExactly("600000", "600001");
    }
  }

  private static List<InteractionView> interactions(CallDatabase database) throws Exception {
    return database.interactions(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), 100);
  }

  private static CallRecord call(int serial, CallRole role, String key, long offsetMillis) {
    Instant start = T0.plusMillis(offsetMillis);
    return new CallRecord(Inum.of(serial, 1), key, start, start.plusSeconds(5), role, CallState.COMPLETE,
        List.of(new Participant("p1", "sip:+15550100@sbc.example", ""),
            new Participant("p2", "sip:agent7@callee.example", "")),
        List.of(), new MediaStats(250, 0, 40_000, 5000), "media/" + key + ".wav");
  }
}
