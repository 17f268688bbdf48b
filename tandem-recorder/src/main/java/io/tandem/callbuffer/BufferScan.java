package io.tandem.callbuffer;

import io.tandem.call.Inum;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Walks the calls of a start-time range in pages keyed by (start, INUM) on the start index, which also holds
 * the call role, so a page is read from the index alone. The store's lock is held for one page at a time,
 * never while the consumer runs, so recording goes on during a scan (unless the caller holds a transaction).
 */
final class BufferScan {
  private static final String FIRST_PAGE = "SELECT inum, start_nanos, call_role = 'MASTER' FROM calls "
      + "WHERE start_nanos >= ? AND start_nanos < ? ORDER BY start_nanos, inum LIMIT ?";
  private static final String NEXT_PAGE = "SELECT inum, start_nanos, call_role = 'MASTER' FROM calls "
      + "WHERE (start_nanos, inum) > (?, ?) AND start_nanos < ? ORDER BY start_nanos, inum LIMIT ?";

  private final LocalStore store;
  private final int pageSize;

  BufferScan(LocalStore store, int pageSize) {
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be >= 1, got " + pageSize);
    }
    this.store = store;
    this.pageSize = pageSize;
  }

  /** Feeds every page, even one without a match, and returns the number of INUMs matched. */
  long scan(long fromNanos, long toNanos, boolean includeMaster, boolean includeSlave, Consumer<ScanPage> pages) {
    long matched = 0;
    Cursor cursor = null;
    while (true) {
      Cursor after = cursor;
      List<Inum> inums = new ArrayList<>();
      cursor = store.read(c -> {
        try (PreparedStatement query = c.prepareStatement(after == null ? FIRST_PAGE : NEXT_PAGE)) {
          int index = 1;
          if (after == null) {
            query.setLong(index++, fromNanos);
          } else {
            query.setLong(index++, after.start);
            query.setLong(index++, after.inum);
          }
          query.setLong(index++, toNanos);
          query.setInt(index, pageSize);
          return read(query, includeMaster, includeSlave, inums);
        }
      });
      if (cursor.rows == 0) {
        return matched;
      }
      pages.accept(new ScanPage(cursor.rows, inums));
      matched += inums.size();
      if (cursor.rows < pageSize) {
        return matched;
      }
    }
  }

  private static Cursor read(PreparedStatement query, boolean includeMaster, boolean includeSlave,
      List<Inum> matched) throws java.sql.SQLException {
    Cursor cursor = new Cursor();
    try (ResultSet rs = query.executeQuery()) {
      while (rs.next()) {
        cursor.rows++;
        cursor.inum = rs.getLong(1);
        cursor.start = rs.getLong(2);
        if (rs.getInt(3) == 1 ? includeMaster : includeSlave) {
          matched.add(new Inum(cursor.inum));
        }
      }
    }
    return cursor;
  }

  private static final class Cursor {
    int rows;
    long start;
    long inum;
  }
}
