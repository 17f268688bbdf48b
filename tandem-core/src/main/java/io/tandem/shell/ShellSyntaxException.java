package io.tandem.shell;

/**
 * A WorkflowShell command line that does not follow the grammar. The message is one line that
 * says what was expected and, when there was one, the word that was found instead.
 */
public final class ShellSyntaxException extends RuntimeException {
  public ShellSyntaxException(String message) {
    super(message);
  }
}
