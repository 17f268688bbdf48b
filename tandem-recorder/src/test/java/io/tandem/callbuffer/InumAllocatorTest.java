package io.tandem.callbuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.Inum;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InumAllocatorTest {
  @TempDir
  Path dataDir;

  @Test
  void allocationAfterUncleanReopenIsStrictlyGreater() {
    LocalStore crashed = LocalStore.open(dataDir.resolve("buffer.db"));
    InumAllocator before = new InumAllocator(crashed, 123456, null);
    Set<Inum> seen = new HashSet<>();
    Inum last = null;
    for (int i = 0; i < 250; i++) {
      last = before.next();
      assertThat(seen.add(last)).isTrue();
    }
    // No close: the first store is abandoned as a killed process would leave it.
    try (LocalStore reopened = LocalStore.open(dataDir.resolve("buffer.db"))) {
      Inum after = new InumAllocator(reopened, 123456, null).next();
      assertThat(after).isGreaterThan(last);
      assertThat(after.serial()).isEqualTo(123456);
    }
    crashed.close();
  }

  @Test
  void movesToContingencySerialWhenSequenceRunsOut() {
    try (LocalStore store = LocalStore.open(dataDir.resolve("buffer.db"))) {
      reserveThrough(store, 123456, Inum.MAX_SEQUENCE - 2);
      InumAllocator allocator = new InumAllocator(store, 123456, 654321);
      assertThat(allocator.next()).isEqualTo(Inum.of(123456, Inum.MAX_SEQUENCE - 1));
      assertThat(allocator.next()).isEqualTo(Inum.of(123456, Inum.MAX_SEQUENCE));
      assertThat(allocator.next()).isEqualTo(Inum.of(654321, 1));
    }
  }

  @Test
  void exhaustedSerialWithoutContingencyFailsClearly() {
    try (LocalStore store = LocalStore.open(dataDir.resolve("buffer.db"))) {
      reserveThrough(store, 123456, Inum.MAX_SEQUENCE);
      InumAllocator allocator = new InumAllocator(store, 123456, null);
      assertThatThrownBy(allocator::next).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("123456").hasMessageContaining("no contingency serial");
    }
  }

  @Test
  void exhaustedContingencySerialFailsClearly() {
    try (LocalStore store = LocalStore.open(dataDir.resolve("buffer.db"))) {
      reserveThrough(store, 123456, Inum.MAX_SEQUENCE);
      reserveThrough(store, 654321, Inum.MAX_SEQUENCE);
      assertThatThrownBy(new InumAllocator(store, 123456, 654321)::next)
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("both exhausted");
    }
  }

  @Test
  void blockReservedInRolledBackTransactionIsNeverReused() {
    try (LocalStore store = LocalStore.open(dataDir.resolve("buffer.db"))) {
      InumAllocator allocator = new InumAllocator(store, 123456, null);
      Inum[] lost = new Inum[1];
      assertThatThrownBy(() -> store.transaction(c -> {
        lost[0] = allocator.nextWithin(c);
        throw new IllegalStateException("the call could not be written");
      })).isInstanceOf(IllegalStateException.class);
      Inum next = allocator.next();
      try (LocalStore reopened = LocalStore.open(dataDir.resolve("buffer.db"))) {
        assertThat(new InumAllocator(reopened, 123456, null).next()).isGreaterThan(next);
      }
    }
  }

  private static void reserveThrough(LocalStore store, int serial, long sequence) {
    store.transaction(c -> {
      try (PreparedStatement insert = c.prepareStatement(
          "INSERT INTO inum_block (serial, reserved_through) VALUES (?, ?)")) {
        insert.setInt(1, serial);
        insert.setLong(2, sequence);
        return insert.executeUpdate();
      }
    });
  }
}
