package io.tandem.cli;

import io.tandem.config.ConfigException;

/** Turns a failure into the one line an administrator needs: the message, not a stack trace. */
final class Failures {
  private Failures() {}

  static String describe(Throwable e) {
    if (e instanceof ConfigException || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
      return e.getMessage();
    }
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
