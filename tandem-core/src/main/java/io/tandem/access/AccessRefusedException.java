package io.tandem.access;

/** A request refused by the access policy: 401 (no or no valid credential) or 403 (the role lacks the route). */
public final class AccessRefusedException extends RuntimeException {
  private final int status;

  public AccessRefusedException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
