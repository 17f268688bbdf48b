package io.tandem.call;

/** What a recorder does now. Only the primary submits calls to its Workflow; roles swap on failover. */
public enum Role {
  PRIMARY,
  SECONDARY
}
