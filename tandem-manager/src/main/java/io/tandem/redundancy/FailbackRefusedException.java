package io.tandem.redundancy;

import java.util.Objects;

/**
 * A failback asked for by hand cannot happen now: {@link #reason()} says why in the RRC's terms,
 * the message in words.
 */
public final class FailbackRefusedException extends RuntimeException {
  /** Why a failback was refused. */
  public enum Reason {
    /** No pair has the name asked for. */
    NO_SUCH_PAIR,
    /** The pair's failback policy is not {@code manual}. */
    POLICY_FORBIDS,
    /** The pair lacks a healthy primary and a healthy secondary. */
    NOT_BOTH_HEALTHY,
    /** Another role change won the race: the roles read are no longer the pair's. */
    ROLES_CHANGED,
    /** This Recorder Manager stands by: another one holds the RRC lease and acts. */
    NOT_ACTING
  }

  private final Reason reason;

  public FailbackRefusedException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
