package io.tandem.workflow;

import io.tandem.call.Inum;
import io.tandem.callbuffer.LocalStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The recorder's durable queue of INUMs submitted for consolidation, one entry per INUM with its state.
 * Every change is committed before the method returns; submitting is idempotent. Thread-safe. Listeners
 * added with {@link #onSubmitted} run after entries become PENDING.
 */
public final class Workflow {
  private static final int IN_LIST = 500;

  private final LocalStore store;
  private final Clock clock;
  private final List<Runnable> submitListeners = new CopyOnWriteArrayList<>();

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
    if (initialState != WorkflowState.PENDING && initialState != WorkflowState.AWAITING_REPROCESS) {
      throw new IllegalArgumentException("entries are added as PENDING or AWAITING_REPROCESS, got " + initialState);
    }
    long now = clock.millis();
    int added = store.transaction(c -> {
      int count = 0;
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO workflow (inum, state, next_attempt_millis, "
          + "updated_millis) VALUES (?, ?, ?, ?) ON CONFLICT (inum) DO NOTHING")) {
        for (Inum inum : inums) {
          insert.setLong(1, inum.value());
          insert.setString(2, initialState.name());
          insert.setLong(3, now);
          insert.setLong(4, now);
          count += insert.executeUpdate();
        }
      }
      return count;
    });
    if (added > 0 && initialState == WorkflowState.PENDING) {
      submitListeners.forEach(Runnable::run);
    }
    return added;
  }

  /**
   * Moves entries that are DONE, FAILED or AWAITING_REPROCESS back to PENDING so that they are consolidated
   * again; entries being consolidated are left alone. Returns how many moved.
   */
  public int reprocess(Collection<Inum> inums) {
    long now = clock.millis();
    int moved = update(inums, "UPDATE workflow SET state = 'PENDING', attempts = 0, last_error = NULL, "
        + "next_attempt_millis = " + now + ", updated_millis = " + now
        + " WHERE state IN ('DONE', 'FAILED', 'AWAITING_REPROCESS') AND inum IN ");
    if (moved > 0) {
      submitListeners.forEach(Runnable::run);
    }
    return moved;
  }

  /** Moves entries to a state, due at once, with their attempts and error cleared. */
  public int moveTo(Collection<Inum> inums, WorkflowState state) {
    long now = clock.millis();
    return update(inums, "UPDATE workflow SET state = '" + state.name() + "', attempts = 0, last_error = NULL, "
        + "next_attempt_millis = " + now + ", updated_millis = " + now + " WHERE inum IN ");
  }

  /** Marks an entry FAILED with the reason; it stays so until reprocessed. */
  public void fail(Inum inum, String reason) {
    long now = clock.millis();
    store.transaction(c -> {
      try (PreparedStatement update = c.prepareStatement("UPDATE workflow SET state = 'FAILED', "
          + "attempts = attempts + 1, last_error = ?, updated_millis = ? WHERE inum = ?")) {
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
          + "last_error = ?, next_attempt_millis = ?, updated_millis = ? WHERE inum = ?")) {
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
        + " WHERE inum IN ");
  }

  /** Entries in the state whose next attempt time has come, the longest waiting first. */
  public List<Inum> due(WorkflowState state, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    long now = clock.millis();
    return store.read(c -> {
      try (PreparedStatement query = c.prepareStatement("SELECT inum FROM workflow WHERE state = ? "
          + "AND next_attempt_millis <= ? ORDER BY next_attempt_millis, inum LIMIT ?")) {
        query.setString(1, state.name());
        query.setLong(2, now);
        query.setInt(3, limit);
        List<Inum> due = new ArrayList<>();
        try (ResultSet rs = query.executeQuery()) {
          while (rs.next()) {
            due.add(new Inum(rs.getLong(1)));
          }
        }
        return due;
      }
    });
  }

  public Map<WorkflowState, Long> counts() {
    return store.read(c -> {
      Map<WorkflowState, Long> counts = new EnumMap<>(WorkflowState.class);
      for (WorkflowState state : WorkflowState.values()) {
        counts.put(state, 0L);
      }
      try (PreparedStatement query = c.prepareStatement("SELECT state, count(*) FROM workflow GROUP BY state");
          ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          counts.put(WorkflowState.valueOf(rs.getString(1)), rs.getLong(2));
        }
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
          + "updated_millis FROM workflow WHERE inum = ?")) {
        query.setLong(1, inum.value());
        try (ResultSet rs = query.executeQuery()) {
          return rs.next()
              ? Optional.of(new WorkflowEntry(inum, WorkflowState.valueOf(rs.getString(1)), rs.getInt(2),
                  rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5))))
              : Optional.empty();
        }
      }
    });
  }

  public boolean contains(Inum inum) {
    return entry(inum).isPresent();
  }

  /** The INUMs among those given that have an entry, in any state. */
  public Set<Inum> presentAmong(Collection<Inum> inums) {
    Set<Inum> present = new HashSet<>();
    for (List<Long> part : parts(inums)) {
      store.read(c -> {
        try (PreparedStatement query = c.prepareStatement("SELECT inum FROM workflow WHERE inum IN ("
            + placeholders(part.size()) + ")")) {
          bind(query, part);
          try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
              present.add(new Inum(rs.getLong(1)));
            }
          }
        }
        return null;
      });
    }
    return present;
  }

  /** Removes every entry (a Rebuild Full starts from an empty Workflow); returns how many there were. */
  public int clear() {
    return store.transaction(c -> {
      try (PreparedStatement delete = c.prepareStatement("DELETE FROM workflow")) {
        return delete.executeUpdate();
      }
    });
  }

  private int update(Collection<Inum> inums, String sqlEndingInIn) {
    List<List<Long>> parts = parts(inums);
    return store.transaction(c -> {
      int count = 0;
      for (List<Long> part : parts) {
        count += updatePart(c, sqlEndingInIn + "(" + placeholders(part.size()) + ")", part);
      }
      return count;
    });
  }

  private static int updatePart(Connection c, String sql, List<Long> part) throws SQLException {
    try (PreparedStatement update = c.prepareStatement(sql)) {
      bind(update, part);
      return update.executeUpdate();
    }
  }

  private static void bind(PreparedStatement statement, List<Long> values) throws SQLException {
    for (int i = 0; i < values.size(); i++) {
      statement.setLong(i + 1, values.get(i));
    }
  }

  private static List<List<Long>> parts(Collection<Inum> inums) {
    List<Long> values = inums.stream().map(Inum::value).distinct().toList();
    List<List<Long>> parts = new ArrayList<>();
    for (int from = 0; from < values.size(); from += IN_LIST) {
      parts.add(values.subList(from, Math.min(values.size(), from + IN_LIST)));
    }
    return parts;
  }

  private static String placeholders(int count) {
    return String.join(", ", Collections.nCopies(count, "?"));
  }
}
