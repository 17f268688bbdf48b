package io.tandem.database;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.Inum;
import io.tandem.database.CopyMatching.Match;
import io.tandem.database.MarkingStatements.CopyChanges;
import io.tandem.database.MarkingStatements.UpsertedInteractions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The marking policy: which interaction each call becomes a copy of, under which fence, by which statements,
 * and which copy is best. A batch is one transaction (two, for the halves of a large batch) that first checks
 * the fence ({@link MarkingScope}); a stale epoch marks and links nothing.
 *
 * <ul>
 *   <li>A call names its conversation by its correlation key: an interaction keeps the key of its first copy,
 *       unique, and a tombstone keeps any other key that names it. Exact-key matching rests on the unique
 *       constraint and the upserts alone, never on a read before a write.
 *   <li>A call recorded as secondary (SLAVE: promoted at failover or by the gap audit, or linked) may belong to
 *       a conversation the primary marked under another key: it is matched by {@link CopyMatching} first, and
 *       only a call that matches nothing gets an interaction of its own. The primary's own calls are matched
 *       by key only, so that steady recording stays on the bulk path; the merge pass ({@link
 *       InteractionMerges}) joins whatever two recorders created for one conversation at the same moment.
 *   <li>The paths, all giving the same result: two binary COPYs when every conversation of a batch of the
 *       primary's calls is new (a guess from the batch before; the unique indexes refuse it otherwise); one
 *       read when every call is marked already and unchanged (a reprocess); otherwise the upserts. A large
 *       batch of the primary's calls is marked as two halves at once ({@link MarkingHalves}).
 *   <li>Linking ({@link #link}) writes the copies of calls whose conversation has an interaction and creates
 *       none; it takes the recorder's marking lock exclusively, so one recorder's linking and marking never
 *       interleave.
 *   <li>The best copy is chosen by {@link BestCopy}: within a batch for new interactions, in the database for
 *       interactions that had copies before. An interaction is widened to cover every copy added to it.
 * </ul>
 *
 * <p>Marking and linking run without the statement timeout ({@link Transactions#inLongTransaction}): a batch of a
 * reprocess, a promotion or a rebuild may be thousands of calls written by COPY and upserts, and waits for its
 * pair's lock while a failover or a merge holds it; cancelled, it would be retried as a whole and never get
 * through.
 *
 * <p>Thread-safe.
 */
final class CallMarking implements AutoCloseable {
  /** Batches smaller than this are not worth the COPY path's extra round trips. */
  private static final int COPY_AT_LEAST = 32;

  /** Batches of at least twice this many conversations are marked as two halves at once. */
  private static final int HALF_AT_LEAST = 200;

  private final DataSource dataSource;
  private final Clock clock;
  private final MarkingHalves halves = new MarkingHalves();

  /**
   * Whether the last batch was all new conversations, so that the next one likely is too and tries the COPY
   * path. Only a guess: either path gives the same result.
   */
  private volatile boolean lastBatchAllNew = true;

  /**
   * Whether the last batch was all conversations and copies marked before, unchanged, as when a reprocess
   * marks calls again; the next one then likely is too and is checked by a read first. Only a guess.
   */
  private volatile boolean lastBatchAllMarked;

  private final AtomicLong copiedBatches = new AtomicLong();
  private final AtomicLong alreadyMarkedBatches = new AtomicLong();
  private final AtomicLong copyFallbacks = new AtomicLong();

  CallMarking(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  @Override
  public void close() {
    halves.close();
  }

  MarkResult mark(Fence fence, List<CallRecord> calls) throws SQLException, FencedException {
    if (calls.isEmpty()) {
      return new MarkResult(0, 0, 0);
    }
    Collection<CallRecord> distinct = byInum(calls);
    TreeMap<String, Span> spans = spansByKey(distinct);
    boolean split = spans.size() >= 2 * HALF_AT_LEAST && distinct.stream().noneMatch(CallMarking::mayHaveOtherKey);
    MarkResult result = split
        ? halves.mark(spans, distinct, (half, halfCalls) -> markInOneTransaction(fence, half, halfCalls))
        : markInOneTransaction(fence, spans, distinct);
    return new MarkResult(result.marked(), calls.size() - result.marked(), result.interactionsCreated());
  }

  /**
   * Links each call whose conversation has an interaction as a copy of it, creates no interaction, and leaves
   * copies that are there already as they are. Calls in {@code lookUpOnly} are only looked up.
   */
  LinkResult link(Fence fence, List<CallRecord> calls, Set<Inum> lookUpOnly) throws SQLException, FencedException {
    if (calls.isEmpty()) {
      return new LinkResult(0, 0, List.of());
    }
    List<CallRecord> distinct = new ArrayList<>(byInum(calls));
    return Transactions.inLongTransaction(dataSource, connection -> {
      MarkingScope scope = MarkingScope.forLinking(connection, fence);
      Map<Long, Match> matches = CopyMatching.find(connection, scope, distinct, call -> true);
      List<CallRecord> toLink = new ArrayList<>();
      List<Inum> missing = new ArrayList<>();
      int alreadyLinked = 0;
      for (CallRecord call : distinct) {
        Match match = matches.get(call.inum().value());
        if (match == null) {
          missing.add(call.inum());
        } else if (match.rule() == CopyMatching.Rule.COPY) {
          alreadyLinked++;
        } else if (!lookUpOnly.contains(call.inum())) {
          toLink.add(call);
        }
      }
      int linked = toLink.isEmpty() ? 0 : writeLinksInHalves(connection, fence, toLink, matches);
      return new LinkResult(linked, alreadyLinked, missing);
    });
  }

  /**
   * Writes the links of a batch that reaches at least twice {@link #HALF_AT_LEAST} interactions as two halves at
   * once: the half of the lower interaction ids in the checking transaction, the other in a transaction of its
   * own beside it ({@link MarkingScope#besideLinking}), which ends before the checking one and so within its
   * fence and its exclusive marking lock. The halves share no interaction and no correlation key, so they never
   * wait for each other; a batch where a key would be in both halves is written whole. If one half fails after
   * the other committed, the gap audit links the batch again and finds that half already linked.
   */
  private int writeLinksInHalves(Connection connection, Fence fence, List<CallRecord> calls,
      Map<Long, Match> matches) throws SQLException, FencedException {
    long[] ids = interactionIds(calls, matches);
    long[] distinctIds = java.util.Arrays.stream(ids).distinct().sorted().toArray();
    if (distinctIds.length < 2 * HALF_AT_LEAST) {
      return writeLinks(connection, fence, calls, matches);
    }
    long middle = distinctIds[distinctIds.length / 2];
    List<CallRecord> lower = new ArrayList<>(calls.size() / 2 + 1);
    List<CallRecord> upper = new ArrayList<>(calls.size() / 2 + 1);
    Map<String, Boolean> keyInUpper = new java.util.HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      boolean inUpper = ids[i] >= middle;
      Boolean before = keyInUpper.putIfAbsent(calls.get(i).correlationKey(), inUpper);
      if (before != null && before != inUpper) {
        return writeLinks(connection, fence, calls, matches);
      }
      (inUpper ? upper : lower).add(calls.get(i));
    }
    List<Integer> written = halves.both(() -> writeLinks(connection, fence, lower, matches),
        () -> Transactions.inLongTransaction(dataSource, beside -> {
          MarkingScope.besideLinking(beside, fence);
          return writeLinks(beside, fence, upper, matches);
        }));
    return written.get(0) + written.get(1);
  }

  /**
   * Writes the copies of calls that no copy holds yet (the exclusive marking lock keeps this recorder from
   * writing them meanwhile, so a plain COPY does), then settles their interactions.
   */
  private int writeLinks(Connection connection, Fence fence, List<CallRecord> calls, Map<Long, Match> matches)
      throws SQLException {
    long[] ids = interactionIds(calls, matches);
    MarkingStatements.copyCopies(connection, calls, ids, fence.epoch(), clock.instant());
    MarkingStatements.settleAdded(connection, spansById(calls, ids));
    leaveTombstones(connection, calls, matches);
    return calls.size();
  }

  private MarkResult markInOneTransaction(Fence fence, SortedMap<String, Span> spans, Collection<CallRecord> calls)
      throws SQLException, FencedException {
    return Transactions.inLongTransaction(dataSource, connection -> {
      MarkingScope scope = MarkingScope.forMarking(connection, fence);
      boolean matching = calls.stream().anyMatch(CallMarking::mayHaveOtherKey);
      Instant now = clock.instant();
      if (!matching && calls.size() >= COPY_AT_LEAST && lastBatchAllNew) {
        if (MarkingStatements.copyAllNew(connection, spans, calls, fence.epoch(), now)) {
          copiedBatches.incrementAndGet();
          return new MarkResult(calls.size(), 0, spans.size());
        }
        lastBatchAllNew = false;
        copyFallbacks.incrementAndGet();
      }
      if (lastBatchAllMarked) {
        if (MarkingStatements.alreadyMarked(connection, calls) == calls.size()) {
          alreadyMarkedBatches.incrementAndGet();
          return new MarkResult(0, calls.size(), 0);
        }
        lastBatchAllMarked = false;
      }
      MarkResult result = upsert(connection, scope, calls, now);
      // A batch of the secondary's calls says nothing of the primary's next one.
      if (!matching) {
        lastBatchAllNew = result.marked() == calls.size() && result.interactionsCreated() == spans.size();
      }
      lastBatchAllMarked = result.marked() == 0 && result.interactionsCreated() == 0;
      return result;
    });
  }

  /** The path for any batch: upserts that add what is missing and leave what is marked already. */
  private MarkResult upsert(Connection connection, MarkingScope scope, Collection<CallRecord> calls, Instant now)
      throws SQLException {
    List<CallRecord> matchable = calls.stream().filter(CallMarking::mayHaveOtherKey).toList();
    Map<Long, Match> matches = matchable.isEmpty() ? Map.of()
        : CopyMatching.find(connection, scope, matchable, call -> true);
    List<CallRecord> unmatched = calls.stream().filter(call -> !matches.containsKey(call.inum().value())).toList();
    UpsertedInteractions upserted = unmatched.isEmpty()
        ? new UpsertedInteractions(Map.of(), Set.of(), Set.of())
        : MarkingStatements.upsertInteractions(connection, spansByKey(unmatched));
    // A new interaction has no copies before this batch, so its copies are plain inserts.
    List<CallRecord> ofNew = new ArrayList<>();
    List<CallRecord> ofExisting = new ArrayList<>();
    for (CallRecord call : calls) {
      boolean created = !matches.containsKey(call.inum().value()) && upserted.created().contains(call.correlationKey());
      (created ? ofNew : ofExisting).add(call);
    }
    int inserted = ofNew.isEmpty() ? 0 : MarkingStatements.insertCopies(connection, ofNew,
        interactionIds(ofNew, matches, upserted), scope.fence().epoch(), now);
    if (!ofExisting.isEmpty()) {
      long[] ids = interactionIds(ofExisting, matches, upserted);
      CopyChanges changes = MarkingStatements.upsertCopies(connection, ofExisting, ids, scope.fence().epoch(), now);
      inserted += changes.inserted();
      // The upsert widened the interactions it found by key, but not those reached otherwise; and a new
      // interaction's best copy was set when it was created, while an older one's can only move when one of its
      // copies was added or changed.
      Set<Long> settling = new HashSet<>(upserted.behindTombstones());
      matches.values().forEach(match -> settling.add(match.interactionId()));
      settling.addAll(changes.interactionIds());
      List<CallRecord> settled = new ArrayList<>();
      List<Long> settledIds = new ArrayList<>();
      for (int i = 0; i < ids.length; i++) {
        if (settling.contains(ids[i])) {
          settled.add(ofExisting.get(i));
          settledIds.add(ids[i]);
        }
      }
      if (!settled.isEmpty()) {
        MarkingStatements.settle(connection, spansById(settled,
            settledIds.stream().mapToLong(Long::longValue).toArray()));
      }
      leaveTombstones(connection, ofExisting, matches);
    }
    return new MarkResult(inserted, calls.size() - inserted, upserted.created().size());
  }

  /** Makes the key of each call matched by another key's interaction name that interaction from now on. */
  private static void leaveTombstones(Connection connection, List<CallRecord> calls, Map<Long, Match> matches)
      throws SQLException {
    List<CallRecord> byAnotherKey = calls.stream()
        .filter(call -> matches.containsKey(call.inum().value())
            && matches.get(call.inum().value()).rule().byAnotherKey())
        .toList();
    if (!byAnotherKey.isEmpty()) {
      InteractionKeys.insertTombstones(connection, byAnotherKey, interactionIds(byAnotherKey, matches));
    }
  }

  /**
   * Whether a call's conversation may have been marked under another key first: a call recorded as secondary.
   * The primary is the first to mark its calls, so its own are matched by key only.
   */
  private static boolean mayHaveOtherKey(CallRecord call) {
    return call.callRole() == CallRole.SLAVE;
  }

  /** Counters for tests: batches marked by COPY, found marked by a read, and sent back from COPY to the upserts. */
  long copiedBatches() {
    return copiedBatches.get();
  }

  long alreadyMarkedBatches() {
    return alreadyMarkedBatches.get();
  }

  long copyFallbacks() {
    return copyFallbacks.get();
  }

  private static Collection<CallRecord> byInum(List<CallRecord> calls) {
    Map<Long, CallRecord> byInum = new TreeMap<>();
    for (CallRecord call : calls) {
      byInum.put(call.inum().value(), call);
    }
    return byInum.values();
  }

  /** One span per correlation key, sorted so that concurrent batches lock interactions in the same order. */
  private static TreeMap<String, Span> spansByKey(Collection<CallRecord> calls) {
    TreeMap<String, Span> spans = new TreeMap<>();
    for (CallRecord call : calls) {
      Span span = spans.get(call.correlationKey());
      if (span == null) {
        spans.put(call.correlationKey(), new Span(call));
      } else {
        span.add(call);
      }
    }
    return spans;
  }

  /** One span per interaction, of the calls given with their interactions' ids. */
  private static Map<Long, Span> spansById(List<CallRecord> calls, long[] ids) {
    Map<Long, Span> spans = new TreeMap<>();
    for (int i = 0; i < ids.length; i++) {
      Span span = spans.get(ids[i]);
      if (span == null) {
        spans.put(ids[i], new Span(calls.get(i)));
      } else {
        span.add(calls.get(i));
      }
    }
    return spans;
  }

  private static long[] interactionIds(List<CallRecord> calls, Map<Long, Match> matches) {
    return interactionIds(calls, matches, null);
  }

  /** Each call's interaction: the one it matched, else the one its key was upserted as. */
  private static long[] interactionIds(List<CallRecord> calls, Map<Long, Match> matches,
      UpsertedInteractions upserted) {
    long[] ids = new long[calls.size()];
    for (int i = 0; i < ids.length; i++) {
      CallRecord call = calls.get(i);
      Match match = matches.get(call.inum().value());
      ids[i] = match != null ? match.interactionId() : upserted.idByKey().get(call.correlationKey());
    }
    return ids;
  }
}
