package io.tandem.database;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tandem.archive.ObjectLock;
import io.tandem.call.CallRole;
import io.tandem.call.DtmfEvent;
import io.tandem.call.Inum;
import io.tandem.call.Participant;
import io.tandem.call.Serial;
import io.tandem.json.Json;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;

/**
 * Read-only queries over interactions and their copies for the Recorder Manager; tombstones (keys that name
 * another interaction) are never shown or counted. Thread-safe.
 */
final class InteractionQueries {
  private static final String COLUMNS = "id, correlation_key, start_time, end_time, best_inum, participants";
  private static final String IN_RANGE = "SELECT " + COLUMNS
      + " FROM interactions WHERE start_time >= ? AND start_time < ? AND merged_into IS NULL"
      + " ORDER BY start_time, id LIMIT ?";
  private static final String RECENT = "SELECT " + COLUMNS
      + " FROM interactions WHERE merged_into IS NULL ORDER BY start_time DESC, id DESC LIMIT ?";
  private static final String ONE = "SELECT " + COLUMNS + " FROM interactions WHERE id = ? AND merged_into IS NULL";
  private static final String COPIES_OF = """
      SELECT c.interaction_id, c.inum, c.serial, c.call_role, c.complete, c.quirks, c.dtmf,
        a.location, a.sha256, a.bytes, a.archived_at, a.retention_mode, a.retain_until, a.legal_hold
      FROM copies c LEFT JOIN archived_copies a ON a.inum = c.inum
      WHERE c.interaction_id = ANY(?::bigint[]) ORDER BY c.interaction_id, c.inum""";
  private static final String BEST_SOURCE = """
      SELECT c.inum, c.serial, r.admin_url, a.location
      FROM interactions i JOIN copies c ON c.interaction_id = i.id AND c.inum = i.best_inum
      LEFT JOIN recorders r ON r.serial = c.serial
      LEFT JOIN archived_copies a ON a.inum = c.inum
      WHERE i.id = ? AND i.merged_into IS NULL""";
  // Every copy of an interaction, the marked best first, then the others in the best-copy rule's order: the order
  // in which replay tries them when one cannot be read.
  private static final String COPY_SOURCES = """
      SELECT inum, serial, admin_url, location FROM (
        SELECT c.inum, c.serial, c.complete, c.duration_ms, r.admin_url, a.location, c.inum = i.best_inum AS best
        FROM interactions i JOIN copies c ON c.interaction_id = i.id
        LEFT JOIN recorders r ON r.serial = c.serial
        LEFT JOIN archived_copies a ON a.inum = c.inum
        WHERE i.id = ? AND i.merged_into IS NULL) s
      ORDER BY best DESC, """ + BestCopy.ORDER_BY;
  private static final TypeReference<List<Participant>> PARTICIPANTS = new TypeReference<>() {};
  private static final TypeReference<List<String>> QUIRKS = new TypeReference<>() {};
  private static final TypeReference<List<DtmfEvent>> DTMF = new TypeReference<>() {};

  /** How many of the newest interactions in reach the first step of a participant search reads. */
  static final int RECENT_READ = 2_000;
  /** The most names a participant search looks for by name; a text that more names contain is matched row by row. */
  static final int NAMES_LOOKED_FOR = 1_000;
  /** The most names whose interactions the second step of a participant search reads name by name in start order. */
  static final int NAMES_IN_ORDER = 100;
  private static final String NAMES_CONTAINING = "SELECT name FROM known_names WHERE name LIKE ? ESCAPE '\\' LIMIT ?";

  private final DataSource dataSource;
  private final int recentRead;
  private final int namesLookedFor;
  private final int namesInOrder;

  InteractionQueries(DataSource dataSource) {
    this(dataSource, RECENT_READ, NAMES_LOOKED_FOR, NAMES_IN_ORDER);
  }

  InteractionQueries(DataSource dataSource, int recentRead, int namesLookedFor) {
    this(dataSource, recentRead, namesLookedFor, NAMES_IN_ORDER);
  }

  /**
   * {@code recentRead}: how many interactions a participant search reads newest first before asking its indexes, 0
   * none; {@code namesLookedFor}: the most known names it looks for one by one; {@code namesInOrder}: the most of
   * them whose interactions it reads name by name in start order (more are looked for all at once, then sorted).
   */
  InteractionQueries(DataSource dataSource, int recentRead, int namesLookedFor, int namesInOrder) {
    this.dataSource = dataSource;
    this.recentRead = recentRead;
    this.namesLookedFor = namesLookedFor;
    this.namesInOrder = namesInOrder;
  }

  List<InteractionView> inRange(Instant from, Instant to, int limit) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(IN_RANGE)) {
      query.setTimestamp(1, Timestamp.from(from));
      query.setTimestamp(2, Timestamp.from(to));
      query.setInt(3, limit);
      return withCopies(connection, readInteractions(query, false));
    }
  }

  List<InteractionView> recent(int limit) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(RECENT)) {
      query.setInt(1, limit);
      return withCopies(connection, readInteractions(query, false));
    }
  }

  Optional<InteractionView> one(long id) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(ONE)) {
      query.setLong(1, id);
      return withCopies(connection, readInteractions(query, true)).stream().findFirst();
    }
  }

  Optional<MediaSource> bestCopySource(long interactionId) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(BEST_SOURCE)) {
      query.setLong(1, interactionId);
      try (ResultSet rows = query.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        return Optional.of(new MediaSource(new Inum(rows.getLong(1)), rows.getInt(2), rows.getString(3),
            rows.getString(4)));
      }
    }
  }

  List<MediaSource> copySources(long interactionId) throws SQLException {
    List<MediaSource> sources = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(COPY_SOURCES)) {
      query.setLong(1, interactionId);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          sources.add(new MediaSource(new Inum(rows.getLong(1)), rows.getInt(2), rows.getString(3), rows.getString(4)));
        }
      }
    }
    return sources;
  }

  InteractionPage search(InteractionSearch search) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      List<InteractionView> found = null;
      for (SearchStatement statement : SearchStatement.of(search, recentRead, namesContaining(connection, search), namesInOrder)) {
        try (PreparedStatement query = statement.prepare(connection, "")) {
          found = readInteractions(query, true);
        }
        if (found.size() == search.limit()) {
          break;
        }
      }
      found = withCopies(connection, found);
      Optional<InteractionSearch.Cursor> next = Optional.empty();
      if (found.size() == search.limit()) {
        InteractionView last = found.get(found.size() - 1);
        next = Optional.of(new InteractionSearch.Cursor(last.start(), last.id()));
      }
      return new InteractionPage(found, next);
    }
  }

  /**
   * The server's plans of {@code search}'s queries as {@link #search} runs them, each run: {@code EXPLAIN (ANALYZE,
   * FORMAT JSON)}'s answers, one per query asked (for a participant, the look-up of names first).
   */
  List<String> explainSearch(InteractionSearch search) throws SQLException {
    List<String> plans = new ArrayList<>();
    try (Connection connection = dataSource.getConnection()) {
      if (search.participant() != null) {
        try (PreparedStatement query = connection.prepareStatement("EXPLAIN (ANALYZE, FORMAT JSON) " + NAMES_CONTAINING)) {
          query.setString(1, containing(search.participant()));
          query.setInt(2, namesLookedFor + 1);
          plans.add(firstColumn(query));
        }
      }
      for (SearchStatement statement : SearchStatement.of(search, recentRead, namesContaining(connection, search), namesInOrder)) {
        String plan;
        try (PreparedStatement query = statement.prepare(connection, "EXPLAIN (ANALYZE, FORMAT JSON) ")) {
          plan = firstColumn(query);
        }
        plans.add(plan);
        if (Json.MAPPER.readTree(plan).get(0).get("Plan").get("Actual Rows").asLong() == search.limit()) {
          break;
        }
      }
    } catch (IOException e) {
      throw new SQLException("the server's plan is not the JSON it should be", e);
    }
    return plans;
  }

  private static String firstColumn(PreparedStatement query) throws SQLException {
    try (ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getString(1);
    }
  }

  /**
   * The known names that contain the participant text of {@code search}, or null when there is no such text or more
   * than {@code namesLookedFor} names contain it (a text as common as "agent" is then matched row by row, and the
   * newest interactions hold its page).
   */
  private List<String> namesContaining(Connection connection, InteractionSearch search) throws SQLException {
    if (search.participant() == null) {
      return null;
    }
    Set<String> names = new LinkedHashSet<>();
    int rowsRead = 0;
    try (PreparedStatement query = connection.prepareStatement(NAMES_CONTAINING)) {
      query.setString(1, containing(search.participant()));
      query.setInt(2, namesLookedFor + 1);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          rowsRead++;
          names.add(rows.getString(1));
        }
      }
    }
    return rowsRead > namesLookedFor ? null : List.copyOf(names);
  }

  /** The LIKE pattern of any text that contains {@code text}, in lower case as the search columns are. */
  private static String containing(String text) {
    return "%" + likeLiteral(text.toLowerCase(Locale.ROOT)) + "%";
  }

  /**
   * The query of a search and the values of its parameters, in order.
   *
   * <p>A participant is looked for among the interactions' names (by the known names that contain the text) and in
   * their addresses (by a trigram index), and asked in two steps. A text that many calls share ("agent 12", "+4420")
   * matches thousands of interactions, which an index finds only to have them sorted by start, while the newest page
   * of them lies among the last few thousand calls; a rarer one matches a handful, which only the index finds
   * quickly. So the first query reads the newest {@value InteractionQueries#RECENT_READ} interactions in reach (by
   * the start index, newest first) and keeps those that match: when that fills the page, it is the page, since every
   * interaction it passed over is newer than any it did not read. Otherwise the second query asks the indexes over
   * all of them. A text that only a few names contain is asked in one step: each name's interactions are read in
   * start order ({@code interaction_names}), no more than a page of each.
   */
  private record SearchStatement(String sql, List<Object> values) {
    private static final String SELECTED = "i.id, i.correlation_key, i.start_time, i.end_time, i.best_inum,"
        + " i.participants";

    /**
     * The queries to ask in turn, until one fills the page or none is left; {@code names}: the known names that
     * contain the participant text, null when there are too many to look for one by one; {@code namesInOrder}: the
     * most names whose interactions are read name by name in start order.
     */
    static List<SearchStatement> of(InteractionSearch search, int recentRead, List<String> names, int namesInOrder) {
      boolean nameByName = names != null && !names.isEmpty() && names.size() <= namesInOrder;
      SearchStatement whole = nameByName ? nameByName(search, names) : over(search, 0, names);
      // A few names are read a page each in start order, however many interactions hold them: no first read.
      return search.participant() == null || recentRead <= 0 || nameByName ? List.of(whole)
          : List.of(over(search, recentRead, names), whole);
    }

    /** The query over every interaction in reach, or only over the newest {@code recent} of them when above 0. */
    private static SearchStatement over(InteractionSearch search, int recent, List<String> names) {
      List<Object> values = new ArrayList<>();
      String reach = " WHERE i.merged_into IS NULL" + reach(search, "i.start_time", "i.id", values);
      String order = order(search, "i.start_time", "i.id");
      StringBuilder sql = new StringBuilder("SELECT " + SELECTED + " FROM ");
      StringBuilder filters = new StringBuilder();
      if (recent > 0) {
        sql.append("(SELECT * FROM interactions i").append(reach).append(order).append(") i");
        values.add(recent);
        if (search.participant() != null) {
          // Each of these few thousand rows' search text read by its id (LATERAL, with a LIMIT the planner keeps as it
          // is, so that it probes by id rather than collect every interaction that matches a common name).
          sql.append(" LEFT JOIN LATERAL (SELECT s.names, s.addresses FROM interaction_search s"
              + " WHERE s.interaction_id = i.id LIMIT 1) s ON true");
        }
        sql.append(" WHERE true");
      } else {
        sql.append("interactions i").append(reach);
      }
      if (search.participant() != null) {
        // Queued interactions, whose names known_names may not hold yet, are matched row by row.
        String containing = containing(search.participant());
        if (recent > 0) {
          filters.append(" AND (").append(textMatch("s.names", "s.addresses", names, containing, values))
              .append(" OR i.id IN (SELECT q.interaction_id FROM search_queue q) AND (")
              .append(textMatch("participant_names(i.participants)", "participant_addresses(i.participants)", null,
                  containing, values)).append("))");
        } else {
          // All of them: the indexes of the search text find the ids, then the interactions are read by id.
          filters.append(" AND i.id IN (");
          if (names != null && !names.isEmpty()) {
            filters.append("SELECT x.interaction_id FROM interaction_names x WHERE x.name = ANY(?) UNION ALL ");
            values.add(names.toArray(String[]::new));
          }
          filters.append(indexedOrQueued(names, containing, values)).append(')');
        }
      }
      sql.append(filters).append(filters(search, values)).append(order);
      values.add(search.limit());
      return new SearchStatement(sql.toString(), values);
    }

    /**
     * The query over every interaction in reach that holds one of {@code names} (a few), or whose addresses contain
     * the participant text, or that is queued and matches it. Each name's interactions are read in start order from
     * {@code interaction_names}, at most a page of them that pass the other filters, and so are the addresses'
     * matches; the page is the first of all of these. An entry whose start is no longer its interaction's (a copy
     * that started earlier was linked since) is passed over: its interaction is queued again, and read as such.
     */
    private static SearchStatement nameByName(InteractionSearch search, List<String> names) {
      List<Object> values = new ArrayList<>();
      StringBuilder sql = new StringBuilder("SELECT * FROM (SELECT m.* FROM unnest(?) AS n(name) CROSS JOIN LATERAL (")
          .append("SELECT ").append(SELECTED).append(" FROM interaction_names x JOIN interactions i")
          .append(" ON i.id = x.interaction_id AND i.start_time = x.start_time")
          .append(" WHERE x.name = n.name AND i.merged_into IS NULL");
      values.add(names.toArray(String[]::new));
      sql.append(reach(search, "x.start_time", "x.interaction_id", values));
      sql.append(filters(search, values));
      sql.append(order(search, "x.start_time", "x.interaction_id"));
      values.add(search.limit());
      sql.append(") m UNION (SELECT ").append(SELECTED).append(" FROM interactions i WHERE i.merged_into IS NULL");
      sql.append(reach(search, "i.start_time", "i.id", values));
      sql.append(" AND i.id IN (").append(indexedOrQueued(names, containing(search.participant()), values)).append(')');
      sql.append(filters(search, values));
      sql.append(order(search, "i.start_time", "i.id"));
      values.add(search.limit());
      sql.append(")) i").append(order(search, "i.start_time", "i.id"));
      values.add(search.limit());
      return new SearchStatement(sql.toString(), values);
    }

    /**
     * The ids of indexed interactions whose addresses contain the text (or, when {@code names} is null, whose names or
     * addresses do: too many names hold it to look for each), and of queued ones whose names or addresses hold it.
     */
    private static String indexedOrQueued(List<String> names, String containing, List<Object> values) {
      return "SELECT s.interaction_id FROM interaction_search s WHERE "
          + textMatch("s.names", "s.addresses", names == null ? null : List.of(), containing, values)
          + " UNION ALL SELECT q.interaction_id FROM search_queue q JOIN interactions qi ON qi.id = q.interaction_id"
          + " WHERE " + textMatch("participant_names(qi.participants)", "participant_addresses(qi.participants)", null,
              containing, values);
    }

    /**
     * Which interactions can be on the page at all, by their start and id in the columns given: in the time range,
     * past the cursor.
     */
    private static String reach(InteractionSearch search, String start, String id, List<Object> values) {
      StringBuilder reach = new StringBuilder();
      if (search.from() != null) {
        reach.append(" AND ").append(start).append(" >= ?");
        values.add(Timestamp.from(search.from()));
      }
      if (search.to() != null) {
        reach.append(" AND ").append(start).append(" < ?");
        values.add(Timestamp.from(search.to()));
      }
      if (search.after() != null) {
        // A row comparison, which an index of (start, id) answers: the page starts right after the cursor.
        reach.append(" AND (").append(start).append(", ").append(id).append(") ")
            .append(search.newestFirst() ? '<' : '>').append(" (?, ?)");
        values.add(Timestamp.from(search.after().start()));
        values.add(search.after().id());
      }
      return reach.toString();
    }

    /** The page's order by the start and id columns given, and its LIMIT, whose value the caller adds. */
    private static String order(InteractionSearch search, String start, String id) {
      String direction = search.newestFirst() ? "DESC" : "ASC";
      return " ORDER BY " + start + " " + direction + ", " + id + " " + direction + " LIMIT ?";
    }

    /** The conditions other than time, cursor and participant, over the interaction {@code i}. */
    private static String filters(InteractionSearch search, List<Object> values) {
      StringBuilder filters = new StringBuilder();
      if (search.serial() != null) {
        filters.append(" AND EXISTS (SELECT 1 FROM copies c WHERE c.interaction_id = i.id AND c.serial = ?)");
        values.add(search.serial());
      }
      if (search.callRole() != null) {
        filters.append(" AND EXISTS (SELECT 1 FROM copies c WHERE c.interaction_id = i.id AND c.call_role = ?)");
        values.add(search.callRole().name());
      }
      if (search.minDuration() != null) {
        filters.append(" AND extract(epoch FROM i.end_time - i.start_time) * 1000 >= ?");
        values.add(search.minDuration().toMillis());
      }
      if (search.maxDuration() != null) {
        filters.append(" AND extract(epoch FROM i.end_time - i.start_time) * 1000 <= ?");
        values.add(search.maxDuration().toMillis());
      }
      // These two are written out, not parameters, so that the partial indexes for them are seen to apply.
      // The best copy's state is a scalar subquery, which the server keeps as a probe of each interaction it walks in
      // start order: as an EXISTS it was turned into a join that read every truncated copy of the month and sorted
      // them (a probe into a table partitioned by month is priced as a probe of every month, though it reads one).
      if (search.complete() != null) {
        filters.append(" AND (SELECT true FROM copies c WHERE c.interaction_id = i.id AND c.inum = i.best_inum AND ")
            .append(search.complete() ? "c.complete" : "NOT c.complete").append(" LIMIT 1) IS TRUE");
      }
      if (search.withQuirks() != null) {
        filters.append(search.withQuirks() ? " AND" : " AND NOT").append(
            " EXISTS (SELECT 1 FROM copies c WHERE c.interaction_id = i.id AND c.quirks <> '[]'::jsonb)");
      }
      return filters.toString();
    }

    /**
     * The condition that the names in {@code namesColumn} hold one of {@code names} (or, when there are too many names
     * to look for one by one, null, that one of them contains the text) or that the addresses in {@code
     * addressesColumn} contain it; its values added to {@code values}.
     */
    private static String textMatch(String namesColumn, String addressesColumn, List<String> names, String containing,
        List<Object> values) {
      String byName;
      if (names == null) {
        values.add(containing);
        byName = "array_to_string(" + namesColumn + ", ' | ') LIKE ? ESCAPE '\\'";
      } else if (names.isEmpty()) {
        byName = "false";
      } else {
        values.add(names.toArray(String[]::new));
        byName = namesColumn + " && ?";
      }
      values.add(containing);
      return "(" + byName + " OR " + addressesColumn + " LIKE ? ESCAPE '\\')";
    }

    /**
     * The query with its values bound. Never prepared on the server: each run is planned for its own values, since
     * how many interactions a name or a range holds decides between an index and the start order.
     */
    PreparedStatement prepare(Connection connection, String prefix) throws SQLException {
      PreparedStatement query = connection.prepareStatement(prefix + sql);
      query.unwrap(PGStatement.class).setPrepareThreshold(0);
      for (int i = 0; i < values.size(); i++) {
        if (values.get(i) instanceof String[] texts) {
          query.setArray(i + 1, connection.createArrayOf("text", texts));
        } else {
          query.setObject(i + 1, values.get(i));
        }
      }
      return query;
    }
  }

  /** {@code text} with LIKE's wildcards and escape character taken literally. */
  private static String likeLiteral(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  CallsPerMinute callsPerMinute(Instant now, int minutes) throws SQLException {
    long last = Math.floorDiv(now.getEpochSecond(), 60) * 60;
    long first = last - 60L * (minutes - 1);
    List<Long> starts = new ArrayList<>(minutes);
    for (int minute = 0; minute < minutes; minute++) {
      starts.add(first + 60L * minute);
    }
    Map<String, Long[]> counts = new java.util.TreeMap<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement("""
            SELECT serial, floor(extract(epoch FROM start_time) / 60)::bigint * 60, count(*) FROM copies
            WHERE start_time >= ? AND start_time < ? GROUP BY 1, 2""")) {
      query.setTimestamp(1, Timestamp.from(Instant.ofEpochSecond(first)));
      query.setTimestamp(2, Timestamp.from(Instant.ofEpochSecond(last + 60)));
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          Long[] perMinute = counts.computeIfAbsent(Serial.format(rows.getInt(1)), serial -> {
            Long[] zeros = new Long[minutes];
            java.util.Arrays.fill(zeros, 0L);
            return zeros;
          });
          perMinute[(int) ((rows.getLong(2) - first) / 60)] = rows.getLong(3);
        }
      }
    }
    Map<String, List<Long>> recorders = new HashMap<>();
    counts.forEach((serial, perMinute) -> recorders.put(serial, List.of(perMinute)));
    return new CallsPerMinute(Instant.ofEpochSecond(first), starts, recorders);
  }

  long count() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(
            "SELECT count(*) FROM interactions WHERE merged_into IS NULL");
        ResultSet rows = query.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** Of the INUMs given, those that are copies. */
  Set<Long> existingCopies(long[] inums) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(
            "SELECT c.inum FROM copy_inums ci JOIN copies c ON c.interaction_id = ci.interaction_id"
                + " AND c.inum = ci.inum WHERE ci.inum = ANY(?::bigint[])")) {
      query.setArray(1, connection.unwrap(PGConnection.class).createArrayOf("bigint", inums));
      Set<Long> found = new HashSet<>();
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          found.add(rows.getLong(1));
        }
      }
      return found;
    }
  }

  private static List<InteractionView> readInteractions(PreparedStatement query, boolean withParticipants)
      throws SQLException {
    List<InteractionView> result = new ArrayList<>();
    try (ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        long best = rows.getLong(5);
        String bestInum = rows.wasNull() ? null : new Inum(best).toString();
        result.add(new InteractionView(rows.getLong(1), rows.getString(2), instant(rows, 3), instant(rows, 4),
            bestInum, List.of(), withParticipants ? participants(rows.getString(6)) : null));
      }
    }
    return result;
  }

  private static List<InteractionView> withCopies(Connection connection, List<InteractionView> interactions)
      throws SQLException {
    if (interactions.isEmpty()) {
      return interactions;
    }
    Map<Long, List<CopyView>> copies = new HashMap<>();
    Long[] ids = interactions.stream().map(InteractionView::id).toArray(Long[]::new);
    try (PreparedStatement query = connection.prepareStatement(COPIES_OF)) {
      query.setArray(1, connection.createArrayOf("bigint", ids));
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          copies.computeIfAbsent(rows.getLong(1), k -> new ArrayList<>()).add(new CopyView(
              new Inum(rows.getLong(2)).toString(), Serial.format(rows.getInt(3)),
              CallRole.valueOf(rows.getString(4)), rows.getBoolean(5), true, list(rows.getString(6), QUIRKS),
              list(rows.getString(7), DTMF), archive(rows)));
        }
      }
    }
    List<InteractionView> result = new ArrayList<>(interactions.size());
    for (InteractionView view : interactions) {
      result.add(new InteractionView(view.id(), view.correlationKey(), view.start(), view.end(), view.bestInum(),
          copies.getOrDefault(view.id(), List.of()), view.participants()));
    }
    return result;
  }

  /** The archive state of the copy in columns 8 to 14, or null when it is not archived. */
  private static CopyArchive archive(ResultSet rows) throws SQLException {
    String location = rows.getString(8);
    if (location == null) {
      return null;
    }
    String mode = rows.getString(12);
    return new CopyArchive(location, rows.getString(9), rows.getLong(10), instant(rows, 11),
        mode == null ? null : ObjectLock.RetentionMode.valueOf(mode), instant(rows, 13), rows.getBoolean(14));
  }

  private static Instant instant(ResultSet rows, int column) throws SQLException {
    Timestamp value = rows.getTimestamp(column);
    return value == null ? null : value.toInstant();
  }

  private static <T> List<T> list(String json, TypeReference<List<T>> type) throws SQLException {
    if (json == null || json.equals("[]")) {
      return List.of();
    }
    try {
      return Json.MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new SQLException("a copy's column is not the JSON list it should be: " + json, e);
    }
  }

  private static List<Participant> participants(String json) throws SQLException {
    try {
      return Json.MAPPER.readValue(json, PARTICIPANTS);
    } catch (IOException e) {
      throw new SQLException("participants of an interaction are not a JSON list of participants: " + json, e);
    }
  }
}
