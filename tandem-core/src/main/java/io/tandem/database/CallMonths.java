package io.tandem.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The months of the call database: each month's interactions, copies and search entries are partitions of their own
 * (migration V18), made ahead of time here, and dropped whole by retention once everything in them is older than the
 * cut-off and nothing in them is held. Making and dropping a month each take a transaction-wide lock of their own,
 * so two Managers never do either at once, and give up after {@link #LOCK_WAIT} when marking or a long query holds
 * the tables: the next round tries again. Thread-safe.
 */
public final class CallMonths {
  /**
   * How far an interaction's id is shifted left to carry its month (migration V18): an id is its month shifted left
   * this far, or-ed with the number of the one sequence.
   */
  public static final int MONTH_SHIFT = 40;

  /** The key of the lock that makes and drops months one at a time: a constant no other lock of the schema uses. */
  private static final long MONTHS_LOCK = 0x54414E44454D02L;
  /** How long making or dropping a month waits for the tables' locks before it gives up until the next round. */
  static final String LOCK_WAIT = "5s";

  private static final String MONTHS = "SELECT month FROM call_months ORDER BY month";
  /**
   * Each month with the server's estimate of its interactions and copies (as of the tables' last analysis; -1 before
   * the first) and the bytes of its four tables with their indexes: read from the catalogue, not by counting rows.
   */
  private static final String SIZES = """
      SELECT m.month, i.reltuples::bigint, c.reltuples::bigint,
             pg_total_relation_size(i.oid) + pg_total_relation_size(c.oid)
             + coalesce(pg_total_relation_size(to_regclass('interaction_search_' || m.suffix)), 0)
             + coalesce(pg_total_relation_size(to_regclass('interaction_names_' || m.suffix)), 0)
      FROM (SELECT month, to_char(date '1970-01-01' + make_interval(months => month), 'YYYY_MM') AS suffix
            FROM call_months) m
      JOIN pg_class i ON i.oid = to_regclass('interactions_' || m.suffix)
      JOIN pg_class c ON c.oid = to_regclass('copies_' || m.suffix)
      ORDER BY m.month""";
  private static final String CREATE = "SELECT create_call_month(?)";
  /** What a month's partition holds: how many interactions, and the span of their starts and ends. */
  private static final String SPAN = """
      SELECT count(*), min(start_time), max(start_time), max(greatest(start_time, end_time))
      FROM interactions WHERE id >= ? AND id < ?""";
  private static final String COPIES = "SELECT count(*) FROM copies WHERE interaction_id >= ? AND interaction_id < ?";
  private static final String HOLD = """
      SELECT id, pair_name, from_time, to_time FROM legal_holds
      WHERE from_time <= ? AND to_time > ? ORDER BY from_time, id LIMIT 1""";
  /** The tables partitioned by month (migration V18), a month's partition of each named {@code TABLE_2026_12}. */
  private static final List<String> PARTITIONED = List.of("copies", "interaction_search", "interaction_names",
      "interactions");
  /** The rows beside a month's partitions that name its interactions or copies, deleted before they are dropped. */
  private static final List<String> BESIDE = List.of(
      "DELETE FROM archived_copies WHERE inum IN (SELECT inum FROM copies WHERE interaction_id >= ? AND "
          + "interaction_id < ?)",
      "DELETE FROM copy_inums WHERE inum IN (SELECT inum FROM copies WHERE interaction_id >= ? AND interaction_id < ?)",
      // A key names its interaction's own key or one of its copies' (a tombstone is left for a copy's key only), so
      // the month's keys are found through its rows, by the key table's primary key, not by reading the whole table.
      """
      WITH m AS (SELECT ?::bigint AS first, ?::bigint AS past)
      DELETE FROM interaction_keys k USING m
      WHERE k.correlation_key IN (SELECT c.correlation_key FROM copies c, m
                                  WHERE c.interaction_id >= m.first AND c.interaction_id < m.past
                                  UNION SELECT i.correlation_key FROM interactions i, m
                                  WHERE i.id >= m.first AND i.id < m.past)
        AND k.interaction_id >= m.first AND k.interaction_id < m.past""",
      "DELETE FROM search_queue WHERE interaction_id >= ? AND interaction_id < ?");

  /** Whether work that may still write the calls of a span is under way: a reprocess of calls that start in it. */
  @FunctionalInterface
  public interface PendingWork {
    /** Why the calls that start in {@code [from, to]} may still be written, or empty when nothing may. */
    Optional<String> between(Instant from, Instant to) throws SQLException;

    PendingWork NONE = (from, to) -> Optional.empty();
  }

  /**
   * A month of the call database.
   *
   * @param name the month as {@code 2026-12}, also the name of its partitions ({@code interactions_2026_12})
   */
  public record Month(int number, String name) {
    static Month of(int number) {
      return new Month(number, yearMonth(number).toString());
    }

    /** The first id of the month; its ids are {@code [firstId, firstId of the next month)}. */
    long firstId() {
      return (long) number << MONTH_SHIFT;
    }

    long endId() {
      return (long) (number + 1) << MONTH_SHIFT;
    }

    /** The first instant after the month. */
    Instant end() {
      return yearMonth(number).plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    private static YearMonth yearMonth(int number) {
      return YearMonth.of(1970, 1).plusMonths(number);
    }
  }

  /**
   * A month's size: the server's estimates of its interactions and copies (-1 before the tables were first analysed),
   * and the bytes of its tables with their indexes.
   */
  public record MonthSize(Month month, long interactionsEstimate, long copiesEstimate, long bytes) {}

  /** A month dropped by retention, with how many interactions and copies went with it. */
  public record Dropped(Month month, long interactions, long copies) {}

  /** What one round of retention did: the months dropped, and each month it would have dropped and why it did not. */
  public record Retirement(List<Dropped> dropped, Map<String, String> kept) {}

  private final DataSource dataSource;
  private final Clock clock;

  CallMonths(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** Every month there is, oldest first. */
  public List<Month> months() throws SQLException {
    List<Month> months = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(MONTHS);
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        months.add(Month.of(rows.getInt(1)));
      }
    }
    return months;
  }

  /** Every month there is, oldest first, with its size as the catalogue tells it. */
  public List<MonthSize> sizes() throws SQLException {
    List<MonthSize> sizes = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(SIZES);
        ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        sizes.add(new MonthSize(Month.of(rows.getInt(1)), rows.getLong(2), rows.getLong(3), rows.getLong(4)));
      }
    }
    return sizes;
  }

  /** The month a call that starts at {@code instant} belongs to, whether or not it has partitions yet. */
  public static Month monthOf(Instant instant) {
    YearMonth month = YearMonth.from(instant.atOffset(ZoneOffset.UTC));
    return Month.of((month.getYear() - 1970) * 12 + month.getMonthValue() - 1);
  }

  /**
   * Makes this month and the {@code ahead} months after it where they are missing; returns the months made. A month
   * whose tables stay locked past {@link #LOCK_WAIT} fails the call with the server's error (the months before it are
   * made); the next call makes it.
   */
  public List<Month> makeAhead(int ahead) throws SQLException {
    if (ahead < 0 || ahead > 24) {
      throw new IllegalArgumentException("ahead must be 0 to 24 months, got " + ahead);
    }
    int first = monthOf(clock.instant()).number();
    List<Integer> existing = months().stream().map(Month::number).toList();
    List<Month> made = new ArrayList<>();
    for (int month = first; month <= first + ahead; month++) {
      if (existing.contains(month)) {
        continue;
      }
      int number = month;
      Transactions.inLongTransaction(dataSource, connection -> {
        lockMonths(connection);
        try (PreparedStatement create = connection.prepareStatement(CREATE)) {
          create.setInt(1, number);
          create.executeQuery().close();
        }
        return null;
      });
      made.add(Month.of(month));
    }
    return made;
  }

  /**
   * Drops each month whose calls all ended before {@code cutoff}, unless a legal hold covers a call of it or
   * {@code pending} says its calls may still be written; never the newest month. Returns what it dropped and what
   * it kept, oldest first. A month whose tables stay locked past {@link #LOCK_WAIT} fails the round with the
   * server's error; the months before it are dropped.
   */
  public Retirement retire(Instant cutoff, PendingWork pending) throws SQLException {
    List<Month> months = months();
    List<Dropped> dropped = new ArrayList<>();
    Map<String, String> kept = new LinkedHashMap<>();
    for (int i = 0; i < months.size() - 1; i++) {
      Month month = months.get(i);
      if (month.end().isAfter(cutoff)) {
        break;
      }
      Span span = span(month);
      if (span.latest != null && !span.latest.isBefore(cutoff)) {
        kept.put(month.name(), "it holds calls up to " + span.latest + ", after the cut-off " + cutoff);
        continue;
      }
      Optional<String> why = span.interactions == 0 ? Optional.empty()
          : pending.between(span.earliestStart, span.latestStart);
      if (why.isPresent()) {
        kept.put(month.name(), why.get());
        continue;
      }
      Optional<String> hold = drop(month, span);
      if (hold.isPresent()) {
        kept.put(month.name(), hold.get());
      } else {
        dropped.add(new Dropped(month, span.interactions, span.copies));
      }
    }
    return new Retirement(dropped, kept);
  }

  private record Span(long interactions, long copies, Instant earliestStart, Instant latestStart, Instant latest) {}

  private Span span(Month month) throws SQLException {
    // Without the statement timeout: a month of a busy site is millions of rows.
    return Transactions.inLongTransaction(dataSource, connection -> {
      long copies;
      try (PreparedStatement query = connection.prepareStatement(COPIES)) {
        query.setLong(1, month.firstId());
        query.setLong(2, month.endId());
        try (ResultSet rows = query.executeQuery()) {
          rows.next();
          copies = rows.getLong(1);
        }
      }
      try (PreparedStatement query = connection.prepareStatement(SPAN)) {
        query.setLong(1, month.firstId());
        query.setLong(2, month.endId());
        try (ResultSet rows = query.executeQuery()) {
          rows.next();
          return new Span(rows.getLong(1), copies, instant(rows.getTimestamp(2)), instant(rows.getTimestamp(3)),
              instant(rows.getTimestamp(4)));
        }
      }
    });
  }

  /**
   * Drops a month's partitions and every row beside them that names its calls, with an event saying so, in one
   * transaction; or, when a legal hold covers one of its calls, drops nothing and says which. The holds are read
   * under a lock that keeps a hold from being added until the month is gone.
   */
  private Optional<String> drop(Month month, Span span) throws SQLException {
    return Transactions.inLongTransaction(dataSource, connection -> {
      lockMonths(connection);
      try (Statement statement = connection.createStatement()) {
        statement.execute("LOCK TABLE legal_holds IN SHARE MODE");
      }
      if (span.interactions > 0) {
        try (PreparedStatement query = connection.prepareStatement(HOLD)) {
          query.setTimestamp(1, Timestamp.from(span.latestStart));
          query.setTimestamp(2, Timestamp.from(span.earliestStart));
          try (ResultSet rows = query.executeQuery()) {
            if (rows.next()) {
              return Optional.of("legal hold " + rows.getLong(1) + " of pair " + rows.getString(2) + " (from "
                  + rows.getTimestamp(3).toInstant() + " to " + rows.getTimestamp(4).toInstant()
                  + ") may cover calls of it, which start from " + span.earliestStart + " to " + span.latestStart);
            }
          }
        }
      }
      for (String sql : BESIDE) {
        try (PreparedStatement delete = connection.prepareStatement(sql)) {
          delete.setLong(1, month.firstId());
          delete.setLong(2, month.endId());
          delete.executeUpdate();
        }
      }
      String suffix = month.name().replace('-', '_');
      try (Statement statement = connection.createStatement()) {
        for (String table : PARTITIONED) {
          statement.execute("DROP TABLE IF EXISTS " + table + "_" + suffix);
        }
        statement.execute("DELETE FROM interaction_merges WHERE month = " + month.number());
        statement.execute("DELETE FROM call_months WHERE month = " + month.number());
      }
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("month", month.name());
      details.put("interactions", span.interactions);
      details.put("copies", span.copies);
      if (span.latest != null) {
        details.put("earliestStart", span.earliestStart.toString());
        details.put("latestEnd", span.latest.toString());
      }
      EventLog.append(connection, clock, "MONTH_DROPPED", null, details);
      return Optional.empty();
    });
  }

  /** Takes the months' lock for the transaction, and bounds how long its statements wait for the tables' locks. */
  private static void lockMonths(Connection connection) throws SQLException {
    try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)");
        Statement statement = connection.createStatement()) {
      lock.setLong(1, MONTHS_LOCK);
      lock.executeQuery().close();
      statement.execute("SET LOCAL lock_timeout = '" + LOCK_WAIT + "'");
    }
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
