package io.tandem.capture.siprec;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of what a recorder's sessions met, by kind: each quirk occurrence, and each refused INVITE by the
 * kind of its refusal. Kinds are strings from the capture source's input (a codec name), so their number is
 * bounded: past {@link #MAX_KINDS} distinct kinds of one sort, further ones count as {@code other}.
 * Thread-safe.
 */
public final class SessionTallies {
  public static final int MAX_KINDS = 100;
  static final String OTHER = "other";

  private final Map<String, LongAdder> quirks = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();

  void quirks(Collection<String> kinds) {
    kinds.forEach(kind -> add(quirks, kind));
  }

  void refused(String kind) {
    add(refusals, kind);
  }

  /** The quirk kinds counted so far. */
  public Set<String> quirkKinds() {
    return Set.copyOf(quirks.keySet());
  }

  public long quirkCount(String kind) {
    LongAdder count = quirks.get(kind);
    return count == null ? 0 : count.sum();
  }

  /** The refusal kinds counted so far. */
  public Set<String> refusalKinds() {
    return Set.copyOf(refusals.keySet());
  }

  public long refusalCount(String kind) {
    LongAdder count = refusals.get(kind);
    return count == null ? 0 : count.sum();
  }

  private static void add(Map<String, LongAdder> counts, String kind) {
    LongAdder count = counts.get(kind);
    if (count == null) {
      String key = counts.size() < MAX_KINDS ? kind : OTHER;
      count = counts.computeIfAbsent(key, k -> new LongAdder());
    }
    count.increment();
  }
}
