package io.tandem.access;

import java.util.Objects;

/**
 * Who a request authenticated as: a name (the user, the token's name, or {@code manager}), its role, and how it
 * proved it ({@code session}, {@code token}, {@code password} or {@code machine}). Immutable.
 */
public record Principal(String name, AccessRole role, String via) {
  public Principal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(via, "via");
  }

  /** How the audit names this principal: {@code alice}, {@code token:nightly-report}, {@code manager}. */
  public String actor() {
    return via.equals("token") ? "token:" + name : name;
  }
}
