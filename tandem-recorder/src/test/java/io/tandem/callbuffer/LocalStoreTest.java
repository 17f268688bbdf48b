package io.tandem.callbuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStoreTest {
  @TempDir
  Path dataDir;
  private LocalStore store;

  @BeforeEach
  void openStore() {
    store = LocalStore.open(dataDir.resolve("buffer.db"));
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void readBesideNeitherWaitsForNorSeesAnotherThreadsTransaction() throws Exception {
    CountDownLatch inserted = new CountDownLatch(1);
    CountDownLatch mayCommit = new CountDownLatch(1);
    Thread writer = Thread.ofPlatform().start(() -> store.transaction(c -> {
      insertBlock(c, 7);
      inserted.countDown();
      await(mayCommit);
      return null;
    }));
    assertThat(inserted.await(10, TimeUnit.SECONDS)).isTrue();

    long duringTransaction = store.readBeside(LocalStoreTest::blocks);
    mayCommit.countDown();
    writer.join();

    assertThat(duringTransaction).isZero();
    assertThat(store.readBeside(LocalStoreTest::blocks)).isEqualTo(1);
  }

  @Test
  void readBesideInsideATransactionSeesItsChanges() {
    long seen = store.transaction(c -> {
      insertBlock(c, 8);
      return store.readBeside(LocalStoreTest::blocks);
    });

    assertThat(seen).isEqualTo(1);
  }

  @Test
  void readBesideCannotWrite() {
    assertThatThrownBy(() -> store.readBeside(c -> {
      insertBlock(c, 9);
      return null;
    })).isInstanceOf(LocalStoreException.class);
    assertThat(store.read(LocalStoreTest::blocks)).isZero();
  }

  @Test
  void actionsAfterATransactionRunOnceTheOutermostOneHasEnded() {
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    store.transaction(outer -> {
      store.transaction(inner -> {
        insertBlock(inner, 10);
        store.afterTransaction(() -> seen.add("committed, blocks: " + store.readBeside(LocalStoreTest::blocks)));
        return null;
      });
      seen.add("inner returned");
      return null;
    });
    assertThatThrownBy(() -> store.transaction(c -> {
      store.afterTransaction(() -> seen.add("rolled back"));
      throw new SQLException("disk full");
    })).isInstanceOf(LocalStoreException.class);

    assertThat(seen).containsExactly("inner returned", "committed, blocks: 1", "rolled back");
    assertThatThrownBy(() -> store.afterTransaction(() -> { })).isInstanceOf(IllegalStateException.class);
  }

  private static void insertBlock(Connection c, int serial) throws SQLException {
    try (Statement statement = c.createStatement()) {
      statement.executeUpdate("INSERT INTO inum_block (serial, reserved_through) VALUES (" + serial + ", 1)");
    }
  }

  private static long blocks(Connection c) throws SQLException {
    try (Statement statement = c.createStatement(); ResultSet rs = statement.executeQuery(
        "SELECT count(*) FROM inum_block")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
