package io.tandem.workflow;

import io.tandem.call.Inum;
import io.tandem.database.FencedException;
import java.util.List;

/**
 * Told what the {@link Consolidator} did. Called on the consolidation thread (the last report of marked
 * calls may come on the thread that stops it), so implementations must be quick; an exception thrown here
 * is logged and ignored.
 */
public interface ConsolidationListener {
  /** Marking was refused under the current fence; marking stays stopped until the fence changes. */
  default void onFenced(FencedException refusal) {}

  /** The calls were marked into the call database (and moved to ARCHIVING, or DONE with no archive rule). */
  default void onMarked(List<Inum> inums) {}
}
