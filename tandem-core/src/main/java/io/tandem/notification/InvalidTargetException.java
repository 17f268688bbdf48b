package io.tandem.notification;

/**
 * A notification target setting that is missing or malformed; {@link #field()} names the setting (such as
 * {@code url} or {@code port}) so that the config file and the API can each point at it in their own words.
 */
public final class InvalidTargetException extends IllegalArgumentException {
  private final String field;
  private final String reason;

  /** {@code reason} completes a sentence that starts with the field's name: "must be ...". */
  public InvalidTargetException(String field, String reason) {
    super("'" + field + "' " + reason);
    this.field = field;
    this.reason = reason;
  }

  public String field() {
    return field;
  }

  /** What was expected and what came, without the field's name. */
  public String reason() {
    return reason;
  }
}
