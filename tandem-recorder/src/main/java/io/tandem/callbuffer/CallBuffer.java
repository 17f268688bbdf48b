package io.tandem.callbuffer;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.DtmfEvent;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.call.Participant;
import io.tandem.call.StreamInfo;
import io.tandem.json.Json;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recorder's call buffer index: every call it recorded, keyed by INUM, with its media under
 * {@code calls/yyyy/MM/dd/<inum>.wav} of the data directory. Every change is committed durably before
 * the method returns. Thread-safe.
 */
public final class CallBuffer {
  /** Rows per chunk handed to a scan's consumer. */
  public static final int SCAN_CHUNK = 10_000;
  public static final int MAX_LIST = 100_000;
  private static final Logger LOG = LoggerFactory.getLogger(CallBuffer.class);
  private static final DateTimeFormatter MEDIA_FOLDER =
      DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

  private final LocalStore store;
  private final InumAllocator allocator;
  private final Clock clock;

  public CallBuffer(LocalStore store, InumAllocator allocator, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.allocator = Objects.requireNonNull(allocator, "allocator");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Allocates the call's INUM and records it as RECORDING, both in one transaction. */
  public CallRecord begin(String correlationKey, Instant start, CallRole role, List<Participant> participants,
      List<StreamInfo> streams) {
    return begin(correlationKey, start, role, participants, streams, "", List.of());
  }

  /**
   * Allocates the call's INUM and records it as RECORDING, with the recorded session's SIP identity (empty
   * when unknown) and the quirks its offer showed, all in one transaction.
   */
  public CallRecord begin(String correlationKey, Instant start, CallRole role, List<Participant> participants,
      List<StreamInfo> streams, String sipIdentity, List<String> quirks) {
    return begin(correlationKey, start, role, participants, streams, sipIdentity, quirks, null);
  }

  /**
   * As {@link #begin(String, Instant, CallRole, List, List, String, List)}, keeping the metadata body the call's
   * INVITE carried (null for none) as its first, in the same transaction.
   */
  public CallRecord begin(String correlationKey, Instant start, CallRole role, List<Participant> participants,
      List<StreamInfo> streams, String sipIdentity, List<String> quirks, MetadataBody metadata) {
    Objects.requireNonNull(correlationKey, "correlationKey");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(role, "role");
    CallRows.nanos(start);
    return store.transaction(c -> {
      Inum inum = allocator.nextWithin(c);
      CallRecord call = new CallRecord(inum, correlationKey, start, null, role, CallState.RECORDING,
          participants, streams, MediaStats.NONE, mediaPath(inum, start), sipIdentity, quirks, List.of());
      try (PreparedStatement insert = c.prepareStatement(CallRows.INSERT)) {
        CallRows.insert(insert, call);
        insert.executeUpdate();
      }
      if (metadata != null) {
        MetadataRows.append(c, inum.value(), metadata);
      }
      return call;
    });
  }

  /**
   * Ends a RECORDING call durably. Finishing a call that has already ended changes nothing and returns it
   * as it is (the first end wins).
   */
  public CallRecord finish(Inum inum, Instant end, CallState state, MediaStats stats) {
    return finish(inum, end, state, stats, null);
  }

  /**
   * Ends a RECORDING call durably with the DTMF digits sent during it ({@code dtmf} null: those it has);
   * finishing a call that has already ended changes nothing and returns it as it is.
   */
  public CallRecord finish(Inum inum, Instant end, CallState state, MediaStats stats, List<DtmfEvent> dtmf) {
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(stats, "stats");
    if (state == null || state == CallState.RECORDING) {
      throw new IllegalArgumentException("a call finishes as COMPLETE or TRUNCATED, got " + state);
    }
    return store.transaction(c -> {
      CallRecord call = require(c, inum);
      if (call.state() != CallState.RECORDING) {
        return call;
      }
      if (end.isBefore(call.start())) {
        throw new IllegalArgumentException("call " + inum + " cannot end at " + end + ", before its start "
            + call.start());
      }
      CallRecord finished = call.finish(end, state, stats, dtmf == null ? call.dtmf() : dtmf);
      writeEnd(c, finished);
      return finished;
    });
  }

  /**
   * Removes a call still RECORDING whose INVITE was cancelled before it was answered: nothing of it was
   * ever acknowledged. Its INUM is not reused. Returns whether a call was removed.
   */
  public boolean discard(Inum inum) {
    Objects.requireNonNull(inum, "inum");
    return store.transaction(c -> {
      try (PreparedStatement delete = c.prepareStatement("DELETE FROM calls WHERE inum = ? AND state = 'RECORDING'")) {
        delete.setLong(1, inum.value());
        if (delete.executeUpdate() != 1) {
          return false;
        }
      }
      MetadataRows.delete(c, inum.value());
      return true;
    });
  }

  /**
   * Rewrites what metadata says of a call (participants, streams, SIP identity, quirks) durably, as
   * {@code change} derives it from the call as stored; returns the call as it is now.
   */
  public CallRecord update(Inum inum, UnaryOperator<CallRecord> change) {
    return update(inum, change, null);
  }

  /**
   * As {@link #update(Inum, UnaryOperator)}, keeping the metadata body that brought the change (null for none)
   * as the call's next, in the same transaction.
   */
  public CallRecord update(Inum inum, UnaryOperator<CallRecord> change, MetadataBody metadata) {
    Objects.requireNonNull(change, "change");
    return store.transaction(c -> {
      CallRecord call = require(c, inum);
      if (metadata != null) {
        MetadataRows.append(c, inum.value(), metadata);
      }
      CallRecord updated = change.apply(call);
      try (PreparedStatement update = c.prepareStatement(
          "UPDATE calls SET participants = ?, streams = ?, sip_identity = ?, quirks = ? WHERE inum = ?")) {
        update.setString(1, Json.write(updated.participants()));
        update.setString(2, Json.write(updated.streams()));
        update.setString(3, updated.sipIdentity());
        update.setString(4, CallRows.json(updated.quirks()));
        update.setLong(5, inum.value());
        update.executeUpdate();
      }
      return updated;
    });
  }

  /**
   * Records what decoding made of a finished call's media: the statistics of its new WAV, its quirks and its
   * DTMF events, durably; returns the call as it is now.
   */
  public CallRecord decoded(Inum inum, MediaStats stats, List<String> quirks, List<DtmfEvent> dtmf) {
    Objects.requireNonNull(stats, "stats");
    return store.transaction(c -> {
      CallRecord call = require(c, inum);
      if (call.state() == CallState.RECORDING) {
        throw new IllegalStateException("call " + inum + " is still recording; its media is decoded once it ends");
      }
      CallRecord updated = call.finish(call.end(), call.state(), stats, dtmf)
          .describedAs(call.participants(), call.streams(), call.sipIdentity(), quirks);
      try (PreparedStatement update = c.prepareStatement(
          "UPDATE calls SET media_bytes = ?, duration_millis = ?, quirks = ?, dtmf = ? WHERE inum = ?")) {
        update.setLong(1, stats.bytes());
        update.setLong(2, stats.durationMillis());
        update.setString(3, CallRows.json(updated.quirks()));
        update.setString(4, CallRows.json(updated.dtmf()));
        update.setLong(5, inum.value());
        update.executeUpdate();
      }
      return updated;
    });
  }

  public Optional<CallRecord> find(Inum inum) {
    return store.read(c -> find(c, inum));
  }

  /** Every metadata body the call's session received, in the order received; empty for an unknown call. */
  public List<MetadataBody> metadata(Inum inum) {
    Objects.requireNonNull(inum, "inum");
    return store.read(c -> MetadataRows.of(c, inum.value()));
  }

  /**
   * The calls among the given INUMs that are in the buffer, ordered by INUM; read beside any transaction in
   * progress, as committed when the read starts. One statement, whatever their number: the INUMs travel as
   * one JSON array, which SQLite sorts, so the rows come in primary key order without a sort of their own.
   */
  public List<CallRecord> find(Collection<Inum> inums) {
    if (inums.isEmpty()) {
      return List.of();
    }
    String array = Inum.jsonArray(inums);
    return store.readBeside(c -> query(c, "SELECT " + CallRows.COLUMNS + " FROM calls WHERE inum IN "
        + "(SELECT value FROM json_each(?)) ORDER BY inum", array));
  }

  /**
   * The INUMs among those given whose call is in the buffer, read from the primary key alone, beside any
   * transaction in progress.
   */
  public Set<Inum> presentAmong(Collection<Inum> inums) {
    if (inums.isEmpty()) {
      return Set.of();
    }
    String array = Inum.jsonArray(inums);
    return store.readBeside(c -> {
      Set<Inum> present = new HashSet<>();
      try (PreparedStatement query = c.prepareStatement(
          "SELECT inum FROM calls WHERE inum IN (SELECT value FROM json_each(?))")) {
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

  /** Calls whose start lies in {@code [from, to)}, oldest first, at most {@code limit}. */
  public List<CallRecord> list(Instant from, Instant to, int limit) {
    if (limit < 1 || limit > MAX_LIST) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIST + ", got " + limit);
    }
    return store.read(c -> query(c, "SELECT " + CallRows.COLUMNS + " FROM calls WHERE start_nanos >= ? "
        + "AND start_nanos < ? ORDER BY start_nanos, inum LIMIT ?",
        CallRows.boundNanos(from), CallRows.boundNanos(to), limit));
  }

  /** The latest call (by start) that carries the correlation key. */
  public Optional<CallRecord> findByCorrelationKey(String correlationKey) {
    return store.read(c -> query(c, "SELECT " + CallRows.COLUMNS + " FROM calls WHERE correlation_key = ? "
        + "ORDER BY start_nanos DESC, inum DESC LIMIT 1", correlationKey)).stream().findFirst();
  }

  /** The {@code limit} calls that started last, newest first. */
  public List<CallRecord> newest(int limit) {
    return store.read(c -> query(c, "SELECT " + CallRows.COLUMNS + " FROM calls ORDER BY start_nanos DESC, inum DESC "
        + "LIMIT ?", limit));
  }

  public List<CallRecord> recording() {
    return store.read(c -> query(c, "SELECT " + CallRows.COLUMNS + " FROM calls WHERE state = 'RECORDING' "
        + "ORDER BY inum"));
  }

  public BufferStats stats() {
    return store.read(c -> {
      try (PreparedStatement query = c.prepareStatement("SELECT count(*), coalesce(sum(media_bytes), 0), "
          + "min(start_nanos), max(start_nanos) FROM calls"); ResultSet rs = query.executeQuery()) {
        rs.next();
        long calls = rs.getLong(1);
        long bytes = rs.getLong(2);
        return calls == 0 ? new BufferStats(0, 0, null, null)
            : new BufferStats(calls, bytes, CallRows.instant(rs.getLong(3)), CallRows.instant(rs.getLong(4)));
      }
    });
  }

  /**
   * Turns every call still RECORDING (its recorder died) into TRUNCATED with the statistics that
   * {@code repairMedia} measures; it ends at its start plus its media's duration, or at {@code now} when
   * the media could not be measured (the function returned null or threw). Returns how many it turned.
   */
  public int recoverInterrupted(Instant now, Function<CallRecord, MediaStats> repairMedia) {
    int recovered = 0;
    for (CallRecord call : recording()) {
      MediaStats stats = measure(call, repairMedia);
      Instant end = stats == null ? now : call.start().plusMillis(stats.durationMillis());
      CallRecord truncated = call.finish(end, CallState.TRUNCATED, stats == null ? call.stats() : stats);
      recovered += store.transaction(c -> writeEnd(c, truncated));
    }
    return recovered;
  }

  /**
   * Feeds the INUMs of calls whose start lies in {@code [fromInclusive, toExclusive)}, oldest first, at most
   * {@link #SCAN_CHUNK} at a time, recorded as MASTER and/or SLAVE as asked. Pages by key on the start index,
   * so memory stays bounded whatever the buffer holds. Returns the number of INUMs fed.
   */
  public long scan(Instant fromInclusive, Instant toExclusive, boolean includeMaster, boolean includeSlave,
      Consumer<List<Inum>> chunk) {
    return scanPages(fromInclusive, toExclusive, includeMaster, includeSlave, page -> {
      if (!page.matched().isEmpty()) {
        chunk.accept(page.matched());
      }
    });
  }

  /**
   * Like {@link #scan(Instant, Instant, boolean, boolean, Consumer)}, but feeds every page of
   * {@link #SCAN_CHUNK} calls of the range with how many calls it looked at, including pages where no call
   * had a role asked for. Inside a {@link LocalStore#transaction} the scan sees that transaction's changes.
   */
  public long scanPages(Instant fromInclusive, Instant toExclusive, boolean includeMaster, boolean includeSlave,
      Consumer<ScanPage> pages) {
    return new BufferScan(store, SCAN_CHUNK).scan(CallRows.boundNanos(fromInclusive),
        CallRows.boundNanos(toExclusive), includeMaster, includeSlave, pages);
  }

  /** How many calls start in {@code [fromInclusive, toExclusive)}; counted on the start index. */
  public long count(Instant fromInclusive, Instant toExclusive) {
    return store.read(c -> {
      try (PreparedStatement query = c.prepareStatement(
          "SELECT count(*) FROM calls WHERE start_nanos >= ? AND start_nanos < ?")) {
        query.setLong(1, CallRows.boundNanos(fromInclusive));
        query.setLong(2, CallRows.boundNanos(toExclusive));
        try (ResultSet rs = query.executeQuery()) {
          return rs.next() ? rs.getLong(1) : 0L;
        }
      }
    });
  }

  /**
   * Feeds, a page at a time, the INUMs of every call live at some moment of {@code [fromInclusive, toExclusive)}:
   * started before its end, and still recording or ended at or after its start. A call that started in the
   * range is fed as {@link #scanPages} feeds it; one that started before it is found on the recording and end
   * indexes, so a long history before the range costs nothing. Returns the number of INUMs fed.
   */
  public long scanLive(Instant fromInclusive, Instant toExclusive, boolean includeMaster, boolean includeSlave,
      Consumer<ScanPage> pages) {
    return new LiveScan(store, SCAN_CHUNK).scan(CallRows.boundNanos(fromInclusive),
        CallRows.boundNanos(toExclusive), includeMaster, includeSlave, pages);
  }

  /** {@link #scanLive} of both call roles collected into one list. */
  public List<Inum> scanLive(Instant fromInclusive, Instant toExclusive) {
    List<Inum> all = new ArrayList<>();
    scanLive(fromInclusive, toExclusive, true, true, page -> all.addAll(page.matched()));
    return all;
  }

  /** How many calls are live at some moment of {@code [fromInclusive, toExclusive)}, as {@link #scanLive} finds. */
  public long countLive(Instant fromInclusive, Instant toExclusive) {
    return new LiveScan(store, SCAN_CHUNK).count(CallRows.boundNanos(fromInclusive), CallRows.boundNanos(toExclusive));
  }

  /** {@link #scan(Instant, Instant, boolean, boolean, Consumer)} collected into one list. */
  public List<Inum> scan(Instant fromInclusive, Instant toExclusive, boolean includeMaster, boolean includeSlave) {
    List<Inum> all = new ArrayList<>();
    scan(fromInclusive, toExclusive, includeMaster, includeSlave, all::addAll);
    return all;
  }

  /**
   * One retention pass: rolls off (rows and media) the finished calls that started before the rules' oldest
   * kept, then the oldest while the buffer's media bytes exceed the rules' size, of those the rules let go, and
   * counts those it holds back. Never touches a RECORDING call nor one whose Workflow entry is PENDING,
   * ARCHIVING or AWAITING_REPROCESS.
   */
  public RetentionResult applyRetention(RetentionRules rules, Path dataDir) {
    return new BufferRetention(store, dataDir).apply(rules);
  }

  static String mediaPath(Inum inum, Instant start) {
    return "calls/" + MEDIA_FOLDER.format(start) + "/" + inum + ".wav";
  }

  private static MediaStats measure(CallRecord call, Function<CallRecord, MediaStats> repairMedia) {
    try {
      return repairMedia.apply(call);
    } catch (RuntimeException e) {
      LOG.warn("cannot measure the media of interrupted call {}: {}", call.inum(), e.toString());
      return null;
    }
  }

  private static int writeEnd(Connection c, CallRecord call) throws SQLException {
    try (PreparedStatement update = c.prepareStatement("UPDATE calls SET end_nanos = ?, state = ?, "
        + "packets_received = ?, packets_lost = ?, media_bytes = ?, duration_millis = ?, dtmf = ? "
        + "WHERE inum = ? AND state = 'RECORDING'")) {
      update.setLong(1, CallRows.nanos(call.end()));
      update.setString(2, call.state().name());
      update.setLong(3, call.stats().packetsReceived());
      update.setLong(4, call.stats().packetsLost());
      update.setLong(5, call.stats().bytes());
      update.setLong(6, call.stats().durationMillis());
      update.setString(7, CallRows.json(call.dtmf()));
      update.setLong(8, call.inum().value());
      return update.executeUpdate();
    }
  }

  private static CallRecord require(Connection c, Inum inum) throws SQLException {
    Objects.requireNonNull(inum, "inum");
    return find(c, inum).orElseThrow(() -> new IllegalArgumentException("no call " + inum + " in the call buffer"));
  }

  private static Optional<CallRecord> find(Connection c, Inum inum) throws SQLException {
    return query(c, "SELECT " + CallRows.COLUMNS + " FROM calls WHERE inum = ?", inum.value()).stream().findFirst();
  }

  private static List<CallRecord> query(Connection c, String sql, Object... parameters) throws SQLException {
    try (PreparedStatement query = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        query.setObject(i + 1, parameters[i]);
      }
      List<CallRecord> calls = new ArrayList<>();
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          calls.add(CallRows.read(rs));
        }
      }
      return calls;
    }
  }
}
