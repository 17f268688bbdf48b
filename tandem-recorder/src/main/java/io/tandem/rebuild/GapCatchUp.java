package io.tandem.rebuild;

import java.time.Instant;

/**
 * What a failover's promotion runs before it promotes the window: the recorder's gap audit of every call
 * it recorded before the window's start that its audit had not reached yet, done at once, so that no call
 * older than the window is left behind. Throws to fail the promotion, which the RRC then orders again.
 */
@FunctionalInterface
public interface GapCatchUp {
  /** Audits every call not audited yet that started and ended before {@code windowStart}. */
  void upTo(Instant windowStart) throws Exception;
}
