package io.tandem.database;

import io.tandem.call.CallRecord;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * The best-copy rule, written here only: a complete copy beats a truncated one, then the copy with more media,
 * then the lower INUM. The rule is one list of criteria; the order of calls in a batch ({@link #FIRST}) and the
 * order of the copies already in the call database ({@link #ORDER_BY}) are both made from it. Stateless.
 */
final class BestCopy {
  /** One criterion: the column of {@code copies} and the same figure of a call, and which end of it wins. */
  private record Criterion(String column, boolean higherWins, ToLongFunction<CallRecord> figure) {}

  private static final List<Criterion> RULE = List.of(
      new Criterion("complete", true, call -> call.complete() ? 1 : 0),
      new Criterion("duration_ms", true, call -> call.stats().durationMillis()),
      new Criterion("inum", false, call -> call.inum().value()));

  /** Orders calls best first. */
  static final Comparator<CallRecord> FIRST = comparator();

  /** Orders rows of {@code copies} best first, as an {@code ORDER BY} list. */
  static final String ORDER_BY = RULE.stream()
      .map(criterion -> criterion.column() + (criterion.higherWins() ? " DESC" : " ASC"))
      .collect(Collectors.joining(", "));

  private BestCopy() {}

  /**
   * A condition that holds when the row {@code candidate} (with the columns of the rule) beats the copy {@code
   * current} of {@code copies}: the rule's criteria compared in order, as one row comparison.
   */
  static String beats(String candidate, String current) {
    return "(" + RULE.stream().map(criterion -> signed(criterion, candidate)).collect(Collectors.joining(", "))
        + ") > (" + RULE.stream().map(criterion -> signed(criterion, current)).collect(Collectors.joining(", "))
        + ")";
  }

  private static String signed(Criterion criterion, String alias) {
    String value = alias + "." + criterion.column();
    // Where the lower wins the column is a number (the INUM): negated, it compares the way the others do.
    return criterion.higherWins() ? value : "-" + value;
  }

  private static Comparator<CallRecord> comparator() {
    Comparator<CallRecord> order = (a, b) -> 0;
    for (Criterion criterion : RULE) {
      Comparator<CallRecord> byFigure = Comparator.comparingLong(criterion.figure());
      order = order.thenComparing(criterion.higherWins() ? byFigure.reversed() : byFigure);
    }
    return order;
  }
}
