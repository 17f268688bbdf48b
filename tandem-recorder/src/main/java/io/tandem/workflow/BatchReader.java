package io.tandem.workflow;

import io.tandem.call.CallRecord;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.callbuffer.CallBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.UnaryOperator;

/**
 * Reads a {@link Batch} of due PENDING entries: the entries from the Workflow, their calls from the call
 * buffer, and the verdict of the media check on each finished call, after what the call kept raw is decoded
 * into its media (the one change a read makes, to the call's own media and row, and the same when done
 * again). A large batch is read
 * a part at a time, each part's media checked on a thread of its own while the next part is read from the
 * call buffer (the one waits on files, the other on the local store), so that a read ahead, which the
 * marking of a backlog waits for, takes little more than reading its calls. Thread-safe.
 */
final class BatchReader {
  /** Below this many entries a read is not worth splitting over threads. */
  static final int MIN_SPLIT = 200;
  /**
   * The parts a larger read is split into. With halves, checking the second half's media came after all the
   * calls were read; with quarters only the last quarter's does.
   */
  static final int PARTS = 4;

  private final Workflow workflow;
  private final CallBuffer buffer;
  private final MediaCheck mediaCheck;
  private final UnaryOperator<CallRecord> decoding;

  BatchReader(Workflow workflow, CallBuffer buffer, MediaCheck mediaCheck, UnaryOperator<CallRecord> decoding) {
    this.workflow = workflow;
    this.buffer = buffer;
    this.mediaCheck = mediaCheck;
    this.decoding = decoding;
  }

  /** At most {@code limit} due entries but those in {@code exclude}, their calls and their media's verdict. */
  Batch read(int limit, boolean promotedOnly, Set<Inum> exclude) {
    return read(limit, promotedOnly, exclude, false);
  }

  /**
   * Like {@link #read(int, boolean, Set)}, the entries read beside the store's writer ({@link
   * Workflow#dueBeside}) when {@code beside}: a read ahead of a backlog then never waits behind the
   * Workflow's commits, while a single batch is read on the writer's connection, which is quicker to answer
   * at once.
   */
  Batch read(int limit, boolean promotedOnly, Set<Inum> exclude, boolean beside) {
    // Taken before the entries are read: a move that the read might miss changes it.
    long departures = workflow.departures();
    List<Inum> due = new ArrayList<>(limit);
    List<Inum> entries = beside ? workflow.dueBeside(WorkflowState.PENDING, limit + exclude.size(), promotedOnly)
        : workflow.due(WorkflowState.PENDING, limit + exclude.size(), promotedOnly);
    for (Inum inum : entries) {
      if (!exclude.contains(inum) && due.size() < limit) {
        due.add(inum);
      }
    }
    int parts = due.size() < MIN_SPLIT ? 1 : PARTS;
    List<CallRecord> calls = new ArrayList<>(due.size());
    List<FutureTask<Map<Inum, MediaVerdict>>> checks = new ArrayList<>(parts);
    List<List<CallRecord>> partsChecked = new ArrayList<>(parts);
    for (int part = 0; part < parts; part++) {
      List<CallRecord> found = new ArrayList<>(find(due.subList(due.size() * part / parts,
          due.size() * (part + 1) / parts)));
      FutureTask<Map<Inum, MediaVerdict>> check = new FutureTask<>(() -> problems(found));
      checks.add(check);
      partsChecked.add(found);
      if (part < parts - 1) {
        Thread.ofVirtual().name("consolidator-media-check").start(check);
      } else {
        check.run();
      }
    }
    Map<Inum, MediaVerdict> problems = new HashMap<>();
    for (FutureTask<Map<Inum, MediaVerdict>> check : checks) {
      problems.putAll(result(check));
    }
    for (List<CallRecord> part : partsChecked) {
      calls.addAll(part);
    }
    return verdicts(due, calls, problems, promotedOnly, departures);
  }

  private List<CallRecord> find(List<Inum> inums) {
    return inums.isEmpty() ? List.of() : buffer.find(inums);
  }

  /**
   * The media verdict of every finished call, after what it kept raw is decoded;
   * each call in {@code calls} is replaced by the call as decoding left it.
   */
  private Map<Inum, MediaVerdict> problems(List<CallRecord> calls) {
    Map<Inum, MediaVerdict> problems = new HashMap<>();
    for (int i = 0; i < calls.size(); i++) {
      CallRecord call = calls.get(i);
      if (call.state() != CallState.RECORDING) {
        call = decoding.apply(call);
        calls.set(i, call);
        problems.put(call.inum(), mediaCheck.verdict(call));
      }
    }
    return problems;
  }

  private static Batch verdicts(List<Inum> due, List<CallRecord> found, Map<Inum, MediaVerdict> problems,
      boolean promotedOnly, long departures) {
    Map<Inum, CallRecord> calls = new HashMap<>();
    found.forEach(call -> calls.put(call.inum(), call));
    List<CallRecord> sound = new ArrayList<>(due.size());
    Map<Inum, String> failures = new LinkedHashMap<>();
    List<Inum> recording = new ArrayList<>();
    for (Inum inum : due) {
      CallRecord call = calls.get(inum);
      if (call == null) {
        failures.put(inum, "call is not in the call buffer");
      } else if (call.state() == CallState.RECORDING) {
        recording.add(inum);
      } else {
        MediaVerdict verdict = problems.get(inum);
        switch (verdict.kind()) {
          case SOUND -> sound.add(call);
          // Nothing of it reached the disk: it is still a copy of its conversation, one that holds nothing.
          case NONE -> sound.add(call.withoutMedia());
          case UNSOUND -> failures.put(inum, verdict.reason());
        }
      }
    }
    return new Batch(due, sound, failures, recording, promotedOnly, departures);
  }

  private static <T> T result(FutureTask<T> task) {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking media", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
    }
  }
}
