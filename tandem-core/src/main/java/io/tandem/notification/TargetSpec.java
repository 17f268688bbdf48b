package io.tandem.notification;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A notification target as configured: a unique name and its endpoint. Immutable; validated when built.
 *
 * @param name 1 to 64 letters, digits, dots, dashes or underscores: it names the target in metrics and errors
 */
public record TargetSpec(String name, Endpoint endpoint) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public TargetSpec {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidTargetException("name", "must be 1 to 64 letters, digits, '.', '-' or '_', got "
          + (name == null ? "nothing" : "'" + name + "'"));
    }
    Objects.requireNonNull(endpoint, "endpoint");
  }
}
