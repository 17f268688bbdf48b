package io.tandem.stack;

import io.tandem.access.Secrets;
import io.tandem.config.PrivateFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The passwords of a stack's embedded call database, made at its first start and kept in one file (0600) under its
 * data directory: the superuser's, which only the stack uses (to migrate and to make the application role), and
 * the application role's, which the Recorder Manager, the recorders and the tools connect with.
 */
record DatabasePasswords(String superuser, String application) {
  /** The login role every process of the stack connects as: not a superuser, and unable to change the audit. */
  static final String APPLICATION_ROLE = "tandem";

  /** The passwords kept in {@code file}, made and written there first when it does not exist. */
  static DatabasePasswords ensure(Path file) throws IOException {
    DatabasePasswords kept = readIfPresent(file);
    if (kept != null) {
      return kept;
    }
    DatabasePasswords made = new DatabasePasswords(Secrets.random("su-"), Secrets.random("app-"));
    Properties properties = new Properties();
    properties.setProperty("superuser", made.superuser());
    properties.setProperty("application", made.application());
    StringWriter text = new StringWriter();
    properties.store(text, "The call database's passwords: made at the first start; keep this file private");
    PrivateFiles.writeAtomically(file, text.toString());
    return made;
  }

  /** The passwords kept in {@code file}, or null when it does not exist. */
  static DatabasePasswords readIfPresent(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      Properties properties = new Properties();
      properties.load(new StringReader(Files.readString(file)));
      String superuser = properties.getProperty("superuser");
      String application = properties.getProperty("application");
      if (superuser == null || application == null) {
        throw new IllegalStateException(file + " must hold the 'superuser' and 'application' passwords");
      }
      return new DatabasePasswords(superuser, application);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
