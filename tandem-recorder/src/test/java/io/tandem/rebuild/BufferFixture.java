package io.tandem.rebuild;

import io.tandem.call.CallRole;
import io.tandem.call.Inum;
import io.tandem.callbuffer.LocalStore;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/** Fills a call buffer index in one transaction, rows only (no media), for rebuild tests. */
final class BufferFixture {
  static final int SERIAL = 123456;

  private BufferFixture() {}

  /** Call {@code i} (from 0) gets sequence {@code i + 1}, starts at {@code first + i * step}, has role(i). */
  static List<Inum> insertCalls(LocalStore store, int count, Instant first, Duration step, IntFunction<CallRole> role) {
    List<Inum> inums = new ArrayList<>(count);
    store.transaction(c -> {
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO calls (inum, correlation_key, start_nanos, "
          + "end_nanos, call_role, state, participants, streams, packets_received, packets_lost, media_bytes, "
          + "duration_millis, media_path) VALUES (?, ?, ?, ?, ?, 'COMPLETE', '[]', '[]', 0, 0, 0, 1000, ?)")) {
        for (int i = 0; i < count; i++) {
          Inum inum = Inum.of(SERIAL, i + 1L);
          Instant start = first.plus(step.multipliedBy(i));
          long startNanos = start.getEpochSecond() * 1_000_000_000L + start.getNano();
          insert.setLong(1, inum.value());
          insert.setString(2, "conversation-" + i);
          insert.setLong(3, startNanos);
          insert.setLong(4, startNanos + 1_000_000_000L);
          insert.setString(5, role.apply(i).name());
          insert.setString(6, "calls/" + inum + ".wav");
          insert.addBatch();
          inums.add(inum);
        }
        insert.executeBatch();
      }
      return null;
    });
    return inums;
  }
}
