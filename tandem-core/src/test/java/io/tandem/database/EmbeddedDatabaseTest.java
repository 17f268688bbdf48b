package io.tandem.database;

import static io.tandem.database.DatabaseFixture.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.CallState;
import io.tandem.call.Position;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {
  @TempDir
  Path directory;

  @Test
  void secondStartOnTheSameDirectoryResumesTheData() throws Exception {
    try (EmbeddedDatabase server = EmbeddedDatabase.start(directory, 0);
        CallDatabase database = CallDatabase.connect(server.config(2))) {
      database.migrate();
      database.register(new RecorderRegistration(400_000, "pair-r", Position.MAIN, "http://127.0.0.1:1", "x:1"));
      database.mark(new Fence(400_000, 1), List.of(call(400_000, 1, "conv", 1000, CallState.COMPLETE)));
    }

    try (EmbeddedDatabase server = EmbeddedDatabase.start(directory, 0);
        CallDatabase database = CallDatabase.connect(server.config(2))) {
      database.migrate();
      assertThat(database.interactionCount()).isEqualTo(1);
      assertThat(database.pairs()).extracting(PairView::name).containsExactly("pair-r");
    }
  }

  @Test
  void connectingSucceedsWhileTheDatabaseIsDownAndCallsFailRetryably() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    DatabaseConfig config = new DatabaseConfig("jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres",
        "postgres", "", 1);

    try (CallDatabase database = CallDatabase.connect(config)) {
      assertThatThrownBy(() -> database.mark(new Fence(400_000, 1),
          List.of(call(400_000, 1, "conv", 1000, CallState.COMPLETE))))
          .satisfies(failure -> assertThat(DatabaseErrors.isRetryable(failure)).isTrue());
    }
  }
}
