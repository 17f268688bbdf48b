package io.tandem.callbuffer;

import io.tandem.call.CallRole;
import io.tandem.call.Inum;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Walks the calls of a start-time range in pages keyed by (start, INUM) on the start index. The store's
 * lock is held for one page at a time, never while the consumer runs, so recording goes on during a scan.
 */
final class BufferScan {
  private final LocalStore store;
  private final int chunkSize;

  BufferScan(LocalStore store, int chunkSize) {
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunkSize must be >= 1, got " + chunkSize);
    }
    this.store = store;
    this.chunkSize = chunkSize;
  }

  long scan(long fromNanos, long toNanos, boolean includeMaster, boolean includeSlave,
      Consumer<List<Inum>> chunk) {
    if (!includeMaster && !includeSlave) {
      return 0;
    }
    String roleFilter = includeMaster && includeSlave ? "" : " AND call_role = '"
        + (includeMaster ? CallRole.MASTER : CallRole.SLAVE).name() + "'";
    long afterStart = Long.MIN_VALUE;
    long afterInum = Long.MIN_VALUE;
    boolean first = true;
    long fed = 0;
    while (true) {
      Page page = page(first, fromNanos, toNanos, afterStart, afterInum, roleFilter);
      if (page.inums.isEmpty()) {
        return fed;
      }
      chunk.accept(List.copyOf(page.inums));
      fed += page.inums.size();
      if (page.inums.size() < chunkSize) {
        return fed;
      }
      first = false;
      afterStart = page.lastStart;
      afterInum = page.inums.getLast().value();
    }
  }

  private Page page(boolean first, long fromNanos, long toNanos, long afterStart, long afterInum,
      String roleFilter) {
    String position = first ? "start_nanos >= ?" : "(start_nanos, inum) > (?, ?)";
    String sql = "SELECT inum, start_nanos FROM calls WHERE " + position + " AND start_nanos < ?" + roleFilter
        + " ORDER BY start_nanos, inum LIMIT ?";
    return store.read(c -> {
      try (PreparedStatement query = c.prepareStatement(sql)) {
        int index = 1;
        if (first) {
          query.setLong(index++, fromNanos);
        } else {
          query.setLong(index++, afterStart);
          query.setLong(index++, afterInum);
        }
        query.setLong(index++, toNanos);
        query.setInt(index, chunkSize);
        Page page = new Page(new ArrayList<>(chunkSize));
        try (ResultSet rs = query.executeQuery()) {
          while (rs.next()) {
            page.inums.add(new Inum(rs.getLong(1)));
            page.lastStart = rs.getLong(2);
          }
        }
        return page;
      }
    });
  }

  private static final class Page {
    final List<Inum> inums;
    long lastStart;

    Page(List<Inum> inums) {
      this.inums = inums;
    }
  }
}
