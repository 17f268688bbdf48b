package io.tandem.workflow;

import io.tandem.archive.ArchiveLedger;
import io.tandem.archive.ArchiveRule;
import io.tandem.archive.ArchivedCopy;
import io.tandem.call.CallRecord;
import io.tandem.call.Inum;
import io.tandem.database.CallMarker;
import io.tandem.database.Fence;
import io.tandem.database.FencedException;
import io.tandem.database.MarkResult;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** An in-memory call database for consolidation tests: counts marks per INUM and fails on demand. */
final class FakeCallDatabase implements CallMarker, ArchiveLedger {
  final Map<Inum, Integer> marks = new ConcurrentHashMap<>();
  /** Each INUM's call as it was marked last. */
  final Map<Inum, CallRecord> marked = new ConcurrentHashMap<>();
  final Map<Inum, String> archivedSums = new ConcurrentHashMap<>();
  final List<ArchiveRule> rules = new CopyOnWriteArrayList<>();
  volatile long epoch = 1;
  volatile int outagesLeft;
  volatile Inum poisoned;
  volatile boolean rulesUnreadable;
  /** Runs at the start of every mark, before anything else. */
  volatile Consumer<List<CallRecord>> beforeMark = calls -> { };

  @Override
  public synchronized MarkResult mark(Fence fence, List<CallRecord> calls) throws SQLException, FencedException {
    beforeMark.accept(calls);
    if (fence.epoch() != epoch) {
      throw new FencedException(fence, epoch);
    }
    if (outagesLeft > 0) {
      outagesLeft--;
      throw new SQLTransientConnectionException("call database unreachable");
    }
    if (calls.stream().anyMatch(call -> call.inum().equals(poisoned))) {
      throw new SQLException("value out of range in call " + poisoned);
    }
    int added = 0;
    for (CallRecord call : calls) {
      added += marks.merge(call.inum(), 1, Integer::sum) == 1 ? 1 : 0;
      marked.put(call.inum(), call);
    }
    return new MarkResult(added, calls.size() - added, added);
  }

  @Override
  public List<ArchiveRule> rules() throws SQLException {
    if (rulesUnreadable) {
      throw new SQLTransientConnectionException("call database unreachable");
    }
    return List.copyOf(rules);
  }

  @Override
  public void recordArchived(Inum inum, ArchivedCopy copy) {
    archivedSums.put(inum, copy.sha256());
  }
}
