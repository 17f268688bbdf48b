package io.tandem.stack;

import io.tandem.config.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many pairs a data directory's stack has run, kept in {@code DIR/stack.pairs}: their recorders are registered in
 * its call database, where the Manager counts them ready only while each has a primary, so a start with fewer pairs
 * would never be ready. A start with at least as many is taken and remembered; one with fewer is refused before
 * anything starts. Call it with the stack's lock held.
 */
final class StackPairCount {
  private StackPairCount() {}

  static Path file(StackLayout layout) {
    return layout.dataDir().resolve("stack.pairs");
  }

  /**
   * Remembers {@code layout}'s pair count, or throws an {@link IllegalArgumentException} naming the count the data
   * directory needs, and changes nothing, when it is fewer than the directory has run.
   */
  static void claim(StackLayout layout) throws IOException {
    Path file = file(layout);
    int before = Files.isRegularFile(file) ? read(file) : 1;
    if (layout.pairCount() < before) {
      throw new IllegalArgumentException("--pairs " + layout.pairCount() + " is fewer than the " + before + " pairs "
          + layout.dataDir() + " has run (their recorders are registered in its call database): give --pairs "
          + before + " or more");
    }
    if (layout.pairCount() != before || !Files.isRegularFile(file)) {
      PrivateFiles.writeAtomically(file, layout.pairCount() + "\n");
    }
  }

  private static int read(Path file) throws IOException {
    String text = Files.readString(file).strip();
    if (!text.matches("[0-9]{1,3}")) {
      throw new IllegalStateException(file + " must hold the number of pairs the stack has run, got '" + text
          + "'; write the number of pair-N folders plus one (the first pair's folders are main and backup)");
    }
    return Integer.parseInt(text);
  }
}
