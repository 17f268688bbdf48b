package io.tandem.database;

/** Something new was refused because its name is already in use; the message names it. */
public final class NameTakenException extends IllegalArgumentException {
  public NameTakenException(String message) {
    super(message);
  }
}
