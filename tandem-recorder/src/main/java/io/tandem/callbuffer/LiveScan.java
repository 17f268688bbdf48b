package io.tandem.callbuffer;

import io.tandem.call.Inum;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Walks every call live at some moment of a range {@code [from, to)}: first the calls that started before it
 * and were still recording, then those that started before it and ended at or after its start (on the end
 * index, by key), then those that started in it (on the start index, as {@link BufferScan} does). The calls
 * still recording are read before the ended ones, so that a call ending between the two reads is fed once
 * and never missed. The store's lock is held for one page at a time, never while the consumer runs.
 */
final class LiveScan {
  private static final String RECORDING = "SELECT inum, call_role = 'MASTER' FROM calls "
      + "WHERE state = 'RECORDING' AND start_nanos < ? ORDER BY inum";
  // The end bound is repeated on the next pages so that SQLite sees the partial end index applies.
  private static final String ENDED = "SELECT inum, end_nanos, call_role = 'MASTER' FROM calls "
      + "WHERE end_nanos >= ? AND (end_nanos, inum) > (?, ?) AND start_nanos < ? ORDER BY end_nanos, inum LIMIT ?";
  private static final String COUNT_EDGE = "SELECT count(*) FROM calls WHERE start_nanos < ? "
      + "AND (end_nanos >= ? OR state = 'RECORDING')";

  private final LocalStore store;
  private final int pageSize;

  LiveScan(LocalStore store, int pageSize) {
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be >= 1, got " + pageSize);
    }
    this.store = store;
    this.pageSize = pageSize;
  }

  /** Feeds every page, even one without a match, and returns the number of INUMs matched. */
  long scan(long fromNanos, long toNanos, boolean includeMaster, boolean includeSlave, Consumer<ScanPage> pages) {
    Set<Inum> recording = new HashSet<>();
    List<Inum> matched = new ArrayList<>();
    int rows = store.read(c -> {
      try (PreparedStatement query = c.prepareStatement(RECORDING)) {
        query.setLong(1, fromNanos);
        int count = 0;
        try (ResultSet rs = query.executeQuery()) {
          while (rs.next()) {
            count++;
            Inum inum = new Inum(rs.getLong(1));
            recording.add(inum);
            if (rs.getInt(2) == 1 ? includeMaster : includeSlave) {
              matched.add(inum);
            }
          }
        }
        return count;
      }
    });
    long fed = 0;
    if (rows > 0) {
      pages.accept(new ScanPage(rows, matched));
      fed += matched.size();
    }
    fed += scanEnded(fromNanos, includeMaster, includeSlave, recording, pages);
    return fed + new BufferScan(store, pageSize).scan(fromNanos, toNanos, includeMaster, includeSlave, pages);
  }

  /** How many calls are live in the range; counted on the start, end and recording indexes. */
  long count(long fromNanos, long toNanos) {
    return store.read(c -> {
      try (PreparedStatement edge = c.prepareStatement(COUNT_EDGE);
          PreparedStatement started = c.prepareStatement(
              "SELECT count(*) FROM calls WHERE start_nanos >= ? AND start_nanos < ?")) {
        edge.setLong(1, fromNanos);
        edge.setLong(2, fromNanos);
        started.setLong(1, fromNanos);
        started.setLong(2, toNanos);
        return single(edge) + single(started);
      }
    });
  }

  private long scanEnded(long fromNanos, boolean includeMaster, boolean includeSlave, Set<Inum> fedAlready,
      Consumer<ScanPage> pages) {
    long fed = 0;
    long[] after = {Long.MIN_VALUE, Long.MIN_VALUE};
    while (true) {
      List<Inum> matched = new ArrayList<>();
      int rows = store.read(c -> {
        try (PreparedStatement query = c.prepareStatement(ENDED)) {
          query.setLong(1, fromNanos);
          query.setLong(2, after[0]);
          query.setLong(3, after[1]);
          query.setLong(4, fromNanos);
          query.setInt(5, pageSize);
          int count = 0;
          try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
              count++;
              Inum inum = new Inum(rs.getLong(1));
              after[0] = rs.getLong(2);
              after[1] = inum.value();
              if ((rs.getInt(3) == 1 ? includeMaster : includeSlave) && !fedAlready.contains(inum)) {
                matched.add(inum);
              }
            }
          }
          return count;
        }
      });
      if (rows == 0) {
        return fed;
      }
      pages.accept(new ScanPage(rows, matched));
      fed += matched.size();
      if (rows < pageSize) {
        return fed;
      }
    }
  }

  private static long single(PreparedStatement query) throws SQLException {
    try (ResultSet rs = query.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0L;
    }
  }
}
