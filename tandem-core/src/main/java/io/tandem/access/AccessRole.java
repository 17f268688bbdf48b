package io.tandem.access;

import java.util.Locale;

/**
 * Who may do what. People and scripts hold one of the first four; {@link #MANAGER} is the Recorder Manager itself,
 * known to a recorder by the machine secret the two share, and is never given to a user or token.
 */
public enum AccessRole {
  /** Everything: policy, failback, rules, users, tokens. */
  ADMIN,
  /** Rebuild, reprocess, promote. */
  OPERATOR,
  /** Search and replay. */
  SUPERVISOR,
  /** Read the audit and the events only. */
  AUDITOR,
  /** The Recorder Manager calling a recorder: role and promotion orders, and what it relays. */
  MANAGER;

  /** The role as the API and the call database write it: {@code admin}, {@code operator}, ... */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A role a user or token may hold, from its word; one clear error otherwise. */
  public static AccessRole ofPerson(String word) {
    if (word != null) {
      for (AccessRole role : values()) {
        if (role != MANAGER && role.word().equals(word)) {
          return role;
        }
      }
    }
    throw new IllegalArgumentException("'role' must be one of admin, operator, supervisor, auditor, got '" + word
        + "'");
  }
}
