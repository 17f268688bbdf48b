package io.tandem.workflow;

import io.tandem.call.Inum;
import io.tandem.callbuffer.LocalStore;
import io.tandem.callbuffer.SqlWork;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The recorder's durable queue of INUMs submitted for consolidation, one entry per INUM with its state.
 * Every change is committed before the method returns; submitting is idempotent. Thread-safe. Listeners
 * added with {@link #onSubmitted} run after entries become PENDING. An entry is <em>promoted</em> when a
 * rebuild, a reprocess or a promotion put it there: it is consolidated even while the recorder is secondary.
 */
public final class Workflow {
  // The unary + keeps SQLite on the primary key for updates by INUM: without statistics its planner would
  // otherwise walk the state index through every entry in that state.
  private static final String IN_CONSOLIDATION = "+state IN ('PENDING', 'ARCHIVING')";
  /** Selects the INUMs of a JSON array bound as the one parameter, so a whole chunk takes one statement. */
  private static final String JSON_INUMS = "(SELECT value FROM json_each(?))";
  /** What {@link #departures} gives while a move out of PENDING is under way. */
  public static final long UNSETTLED = -1;
  /**
   * The WHERE terms of the two partial indexes of entries not DONE, those not promoted and those promoted
   * (see the local store's schema): SQLite uses a partial index only for a query that repeats them; a bound
   * parameter for the state is not enough.
   */
  private static final String NOT_PROMOTED_INDEXED = "state <> 'DONE' AND promoted = 0";
  private static final String PROMOTED_INDEXED = "state <> 'DONE' AND promoted = 1";

  private final LocalStore store;
  private final Clock clock;
  private final List<Runnable> submitListeners = new CopyOnWriteArrayList<>();
  /** Departures whose transaction has ended. */
  private final AtomicLong departures = new AtomicLong();
  /** Departures whose transaction has not ended yet. */
  private final AtomicInteger departing = new AtomicInteger();

  public Workflow(LocalStore store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public void onSubmitted(Runnable listener) {
    submitListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Adds the INUM as PENDING unless it is already in the Workflow; returns whether it was added. */
  public boolean submit(Inum inum) {
    return submitAll(List.of(inum)) == 1;
  }

  /** Adds every INUM not yet in the Workflow as PENDING, in one transaction; returns how many were added. */
  public int submitAll(Collection<Inum> inums) {
    return submitAll(inums, WorkflowState.PENDING);
  }

  /**
   * Adds every INUM not yet in the Workflow in the given state, PENDING or AWAITING_REPROCESS, in one
   * transaction; returns how many were added.
   */
  public int submitAll(Collection<Inum> inums, WorkflowState initialState) {
    return submitAll(inums, initialState, false);
  }

  /**
   * Adds every INUM not yet in the Workflow in the given state, PENDING or AWAITING_REPROCESS, promoted or
   * not, in one transaction; entries already there are left as they are. Returns how many were added.
   */
  public int submitAll(Collection<Inum> inums, WorkflowState initialState, boolean promoted) {
    if (initialState != WorkflowState.PENDING && initialState != WorkflowState.AWAITING_REPROCESS) {
      throw new IllegalArgumentException("entries are added as PENDING or AWAITING_REPROCESS, got " + initialState);
    }
    long now = clock.millis();
    int added = store.transaction(c -> {
      // One statement for the whole collection: SQLite walks the array itself, where a batch of single-row
      // inserts crossed into the driver several times per row (a Rebuild Full adds a million in one transaction).
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO workflow (inum, state, next_attempt_millis, "
          + "updated_millis, promoted) SELECT value, ?, ?, ?, ? FROM json_each(?) WHERE true "
          + "ON CONFLICT (inum) DO NOTHING")) {
        insert.setString(1, initialState.name());
        insert.setLong(2, now);
        insert.setLong(3, now);
        insert.setInt(4, promoted ? 1 : 0);
        insert.setString(5, Inum.jsonArray(inums));
        return insert.executeUpdate();
      }
    });
    if (added > 0 && initialState == WorkflowState.PENDING) {
      submitListeners.forEach(Runnable::run);
    }
    return added;
  }

  /**
   * Promotes calls so that a secondary consolidates them: adds every INUM not yet in the Workflow as a promoted
   * PENDING entry, and makes the PENDING entries already there promoted (a call submitted while the recorder
   * was primary and never marked). Entries in other states are left alone. One transaction; returns how many
   * were added or promoted.
   */
  public int promote(Collection<Inum> inums) {
    if (inums.isEmpty()) {
      return 0;
    }
    int changed = store.transaction(c -> submitAll(inums, WorkflowState.PENDING, true)
        + update(c, inums, "UPDATE workflow SET promoted = 1 WHERE +state = 'PENDING' AND +promoted = 0 AND inum IN "));
    if (changed > 0) {
      submitListeners.forEach(Runnable::run);
    }
    return changed;
  }

  /**
   * Moves entries that are DONE, FAILED or AWAITING_REPROCESS back to PENDING so that they are consolidated
   * again; entries being consolidated stay where they are. Every entry named is promoted. One transaction;
   * returns how many moved.
   */
  public int reprocess(Collection<Inum> inums) {
    long now = clock.millis();
    int moved = store.transaction(c -> {
      int count = update(c, inums, "UPDATE workflow SET state = 'PENDING', promoted = 1, attempts = 0, "
          + "last_error = NULL, next_attempt_millis = " + now + ", updated_millis = " + now
          + " WHERE +state IN ('DONE', 'FAILED', 'AWAITING_REPROCESS') AND inum IN ");
      update(c, inums, "UPDATE workflow SET promoted = 1 WHERE +promoted = 0 AND inum IN ");
      return count;
    });
    if (moved > 0) {
      submitListeners.forEach(Runnable::run);
    }
    return moved;
  }

  /** Moves entries to a state, due at once, with their attempts and error cleared. */
  public int moveTo(Collection<Inum> inums, WorkflowState state) {
    long now = clock.millis();
    return inums.isEmpty() ? 0 : store.transaction(c -> departingUpdate(c, inums, "UPDATE workflow SET state = '"
        + state.name() + "', attempts = 0, last_error = NULL, next_attempt_millis = " + now + ", updated_millis = "
        + now + " WHERE inum IN "));
  }

  /**
   * A count that changes whenever entries may leave PENDING other than by {@link #advance} from PENDING, the
   * move of a batch just marked; {@link #UNSETTLED} while such a move has begun and its transaction has not
   * ended. A reader that took the count before reading PENDING entries, even on a snapshot of the store
   * ({@link #dueBeside}), and finds by {@link #departedSince} that nothing left since, knows that those
   * entries are still PENDING unless it moved them itself: a move that its snapshot missed had either not
   * ended when the count was taken (so the count was unsettled, or is now) or ends later (so the count
   * changes).
   */
  public long departures() {
    // In this order: a move that ends between the two reads has already counted itself.
    if (departing.get() > 0) {
      return UNSETTLED;
    }
    return departures.get();
  }

  /** Whether entries may have left PENDING since {@link #departures} gave {@code mark}. */
  public boolean departedSince(long mark) {
    return mark == UNSETTLED || departures() != mark;
  }

  /**
   * Moves the entries that are still in state {@code from} to state {@code to}; an entry that something
   * else moved meanwhile (a Rebuild Full that cleared and re-added it) is left as it is now. Returns how
   * many moved.
   */
  public int advance(Collection<Inum> inums, WorkflowState from, WorkflowState to) {
    long now = clock.millis();
    return update(inums, "UPDATE workflow SET state = '" + to.name() + "', attempts = 0, last_error = NULL, "
        + "next_attempt_millis = " + now + ", updated_millis = " + now + " WHERE +state = '" + from.name()
        + "' AND inum IN ");
  }

  /**
   * Settles the entries that a secondary never consolidates, those PENDING and not promoted (submitted while this
   * recorder was primary, or at its restart for calls a stop cut off then), once the gap audit has dealt with their
   * calls: those in {@code linked}, now copies in the call database, become DONE; those in {@code unsound}, whose
   * media failed the check, become FAILED with the reason, as consolidating them would have left them. Promoted
   * entries, which the secondary consolidates itself, and entries in any other state are left as they are. One
   * transaction, or the caller's; returns how many moved.
   */
  public int settleUnpromoted(Collection<Inum> linked, Map<Inum, String> unsound) {
    if (linked.isEmpty() && unsound.isEmpty()) {
      return 0;
    }
    long now = clock.millis();
    return store.transaction(c -> {
      int moved = linked.isEmpty() ? 0 : departingUpdate(c, linked, "UPDATE workflow SET state = 'DONE', "
          + "attempts = 0, last_error = NULL, next_attempt_millis = " + now + ", updated_millis = " + now
          + " WHERE +state = 'PENDING' AND +promoted = 0 AND inum IN ");
      if (!unsound.isEmpty()) {
        beginDeparture();
        try (PreparedStatement update = c.prepareStatement("UPDATE workflow SET state = 'FAILED', "
            + "attempts = attempts + 1, last_error = ?, updated_millis = ? WHERE inum = ? AND +state = 'PENDING' "
            + "AND +promoted = 0")) {
          for (Map.Entry<Inum, String> entry : unsound.entrySet()) {
            update.setString(1, entry.getValue());
            update.setLong(2, now);
            update.setLong(3, entry.getKey().value());
            moved += update.executeUpdate();
          }
        }
      }
      return moved;
    });
  }

  /**
   * Marks an entry FAILED with the reason; it stays so until reprocessed. Like the other steps of
   * consolidation it touches only an entry still being consolidated (PENDING or ARCHIVING): one that a
   * Rebuild Full re-added meanwhile is left awaiting its reprocess.
   */
  public void fail(Inum inum, String reason) {
    long now = clock.millis();
    store.transaction(c -> {
      beginDeparture();
      try (PreparedStatement update = c.prepareStatement("UPDATE workflow SET state = 'FAILED', "
          + "attempts = attempts + 1, last_error = ?, updated_millis = ? WHERE inum = ? AND " + IN_CONSOLIDATION)) {
        update.setString(1, reason);
        update.setLong(2, now);
        update.setLong(3, inum.value());
        return update.executeUpdate();
      }
    });
  }

  /** Leaves entries in their state after a retryable error, counting the attempt, due again at the time. */
  public int recordRetry(Collection<Inum> inums, String error, Instant nextAttempt) {
    return store.transaction(c -> {
      int count = 0;
      try (PreparedStatement update = c.prepareStatement("UPDATE workflow SET attempts = attempts + 1, "
          + "last_error = ?, next_attempt_millis = ?, updated_millis = ? WHERE inum = ? AND " + IN_CONSOLIDATION)) {
        for (Inum inum : inums) {
          update.setString(1, error);
          update.setLong(2, nextAttempt.toEpochMilli());
          update.setLong(3, clock.millis());
          update.setLong(4, inum.value());
          count += update.executeUpdate();
        }
      }
      return count;
    });
  }

  /** Makes entries due again only at the given time, without counting an attempt. */
  public int postpone(Collection<Inum> inums, Instant nextAttempt) {
    return update(inums, "UPDATE workflow SET next_attempt_millis = " + nextAttempt.toEpochMilli()
        + " WHERE " + IN_CONSOLIDATION + " AND inum IN ");
  }

  /** Entries in the state whose next attempt time has come, the longest waiting first. */
  public List<Inum> due(WorkflowState state, int limit) {
    return due(state, limit, false);
  }

  /** Like {@link #due(WorkflowState, int)}, only promoted entries when {@code promotedOnly}. */
  public List<Inum> due(WorkflowState state, int limit, boolean promotedOnly) {
    return due(state, limit, promotedOnly, false);
  }

  /**
   * Like {@link #due(WorkflowState, int, boolean)}, read on the store's second connection, beside any
   * transaction in progress, so that it neither waits for nor holds up a commit; the entries are those of a
   * snapshot, which {@link #departures} taken before the read tells the reader whether to trust.
   */
  public List<Inum> dueBeside(WorkflowState state, int limit, boolean promotedOnly) {
    return due(state, limit, promotedOnly, true);
  }

  private List<Inum> due(WorkflowState state, int limit, boolean promotedOnly, boolean beside) {
    if (state != WorkflowState.PENDING && state != WorkflowState.ARCHIVING) {
      throw new IllegalArgumentException("only PENDING and ARCHIVING entries come due, got " + state);
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    long now = clock.millis();
    SqlWork<List<Inum>> read = c -> {
      long[] promoted = dueIn(c, dueQuery(state, true), now, limit);
      // Each index gives its longest waiting in order; merged here, they need no sort of SQLite's.
      long[] other = promotedOnly ? new long[0] : dueIn(c, dueQuery(state, false), now, limit);
      List<Inum> due = new ArrayList<>(Math.min(limit, (promoted.length + other.length) / 2));
      int p = 0;
      int o = 0;
      while (due.size() < limit && (p < promoted.length || o < other.length)) {
        boolean takePromoted = o >= other.length || (p < promoted.length
            && (promoted[p + 1] < other[o + 1] || (promoted[p + 1] == other[o + 1] && promoted[p] < other[o])));
        if (takePromoted) {
          due.add(new Inum(promoted[p]));
          p += 2;
        } else {
          due.add(new Inum(other[o]));
          o += 2;
        }
      }
      return due;
    };
    return beside ? store.readBeside(read) : store.read(read);
  }

  /**
   * The query of {@link #due(WorkflowState, int, boolean)} on one index, that of the promoted entries or that
   * of the others: INUM and due time, the longest waiting first; the due time and the limit are its
   * parameters. Both run in one snapshot (the writer's lock, or a read transaction beside it).
   */
  static String dueQuery(WorkflowState state, boolean promoted) {
    return "SELECT inum, next_attempt_millis FROM workflow WHERE " + (promoted ? PROMOTED_INDEXED
        : NOT_PROMOTED_INDEXED) + " AND state = '" + state.name() + "' AND next_attempt_millis <= ? "
        + "ORDER BY next_attempt_millis, inum LIMIT ?";
  }

  /** The rows of a {@link #dueQuery}, as INUM and due time pairs in one array. */
  private static long[] dueIn(Connection c, String query, long now, int limit) throws SQLException {
    try (PreparedStatement statement = c.prepareStatement(query)) {
      statement.setLong(1, now);
      statement.setInt(2, limit);
      long[] rows = new long[16];
      int size = 0;
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          if (size == rows.length) {
            rows = Arrays.copyOf(rows, size * 2);
          }
          rows[size++] = rs.getLong(1);
          rows[size++] = rs.getLong(2);
        }
      }
      return Arrays.copyOf(rows, size);
    }
  }

  /**
   * How many entries are in each state. Every state but DONE is counted on the due indexes; DONE is the rest
   * of the table, whose size SQLite counts from its b-tree pages without decoding rows.
   */
  public Map<WorkflowState, Long> counts() {
    return store.read(c -> {
      Map<WorkflowState, Long> counts = new EnumMap<>(WorkflowState.class);
      for (WorkflowState state : WorkflowState.values()) {
        counts.put(state, 0L);
      }
      long notDone = 0;
      for (String index : List.of(NOT_PROMOTED_INDEXED, PROMOTED_INDEXED)) {
        try (PreparedStatement query = c.prepareStatement("SELECT state, count(*) FROM workflow WHERE " + index
            + " GROUP BY state"); ResultSet rs = query.executeQuery()) {
          while (rs.next()) {
            counts.merge(WorkflowState.valueOf(rs.getString(1)), rs.getLong(2), Long::sum);
            notDone += rs.getLong(2);
          }
        }
      }
      try (PreparedStatement query = c.prepareStatement("SELECT count(*) FROM workflow");
          ResultSet rs = query.executeQuery()) {
        counts.put(WorkflowState.DONE, (rs.next() ? rs.getLong(1) : 0L) - notDone);
      }
      return counts;
    });
  }

  public Optional<WorkflowState> state(Inum inum) {
    return entry(inum).map(WorkflowEntry::state);
  }

  public Optional<WorkflowEntry> entry(Inum inum) {
    return store.read(c -> {
      try (PreparedStatement query = c.prepareStatement("SELECT state, attempts, last_error, next_attempt_millis, "
          + "updated_millis, promoted FROM workflow WHERE inum = ?")) {
        query.setLong(1, inum.value());
        try (ResultSet rs = query.executeQuery()) {
          return rs.next()
              ? Optional.of(new WorkflowEntry(inum, WorkflowState.valueOf(rs.getString(1)), rs.getInt(2),
                  rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5)),
                  rs.getInt(6) == 1))
              : Optional.empty();
        }
      }
    });
  }

  public boolean contains(Inum inum) {
    return entry(inum).isPresent();
  }

  /** The INUMs among those given that have an entry, in any state; one statement whatever their number. */
  public Set<Inum> presentAmong(Collection<Inum> inums) {
    if (inums.isEmpty()) {
      return Set.of();
    }
    String array = Inum.jsonArray(inums);
    return store.read(c -> {
      Set<Inum> present = new HashSet<>();
      try (PreparedStatement query = c.prepareStatement("SELECT inum FROM workflow WHERE inum IN " + JSON_INUMS)) {
        query.setString(1, array);
        try (ResultSet rs = query.executeQuery()) {
          while (rs.next()) {
            present.add(new Inum(rs.getLong(1)));
          }
        }
      }
      return present;
    });
  }

  /** The INUMs among those given whose entry is in {@code state}; one statement whatever their number. */
  public Set<Inum> inStateAmong(Collection<Inum> inums, WorkflowState state) {
    if (inums.isEmpty()) {
      return Set.of();
    }
    String array = Inum.jsonArray(inums);
    return store.read(c -> {
      Set<Inum> found = new HashSet<>();
      try (PreparedStatement query = c.prepareStatement("SELECT inum FROM workflow WHERE state = ? AND inum IN "
          + JSON_INUMS)) {
        query.setString(1, state.name());
        query.setString(2, array);
        try (ResultSet rs = query.executeQuery()) {
          while (rs.next()) {
            found.add(new Inum(rs.getLong(1)));
          }
        }
      }
      return found;
    });
  }

  /** Removes every entry (a Rebuild Full starts from an empty Workflow); returns how many there were. */
  public int clear() {
    return store.transaction(c -> {
      beginDeparture();
      try (PreparedStatement delete = c.prepareStatement("DELETE FROM workflow")) {
        return delete.executeUpdate();
      }
    });
  }

  /**
   * Counts a move out of PENDING as begun, in the transaction that makes it, and as ended once that
   * transaction (or the outer one it joined) has committed or rolled back.
   */
  private void beginDeparture() {
    departing.incrementAndGet();
    store.afterTransaction(() -> {
      departures.incrementAndGet();
      departing.decrementAndGet();
    });
  }

  private int departingUpdate(Connection c, Collection<Inum> inums, String sqlEndingInIn) throws SQLException {
    beginDeparture();
    return update(c, inums, sqlEndingInIn);
  }

  private int update(Collection<Inum> inums, String sqlEndingInIn) {
    return inums.isEmpty() ? 0 : store.transaction(c -> update(c, inums, sqlEndingInIn));
  }

  private static int update(Connection c, Collection<Inum> inums, String sqlEndingInIn) throws SQLException {
    if (inums.isEmpty()) {
      return 0;
    }
    try (PreparedStatement update = c.prepareStatement(sqlEndingInIn + JSON_INUMS)) {
      update.setString(1, Inum.jsonArray(inums));
      return update.executeUpdate();
    }
  }
}
