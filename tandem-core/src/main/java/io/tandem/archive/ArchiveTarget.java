package io.tandem.archive;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where an archive rule copies calls: a folder of a filesystem, or a bucket of an S3 target named in the recorders'
 * and the Manager's config files, under a key prefix. Immutable.
 */
public sealed interface ArchiveTarget {
  /** What a rule's S3 target name must look like: the NAME of the config keys {@code archive.s3.NAME.*}. */
  Pattern S3_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  /** The longest key prefix: S3 keys are at most 1,024 bytes, and the rest of the key needs room. */
  int MAX_PREFIX = 512;

  /** The folder under which copies are written as {@code yyyy/MM/dd/<inum>.wav}; absolute on the recorders. */
  record Folder(Path folder) implements ArchiveTarget {
    public Folder {
      Objects.requireNonNull(folder, "folder");
    }

    @Override
    public String toString() {
      return folder.toString();
    }
  }

  /**
   * The S3 target {@code name}, whose copies are written as {@code <prefix>yyyy/MM/dd/<inum>.wav}; the prefix may be
   * empty, and ends with '/' when it names a folder-like level.
   */
  record S3(String name, String prefix) implements ArchiveTarget {
    public S3 {
      Objects.requireNonNull(name, "name");
      if (!S3_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("an S3 target is named with 1 to 64 letters, digits, '.', '-' or '_', got '"
            + name + "'");
      }
      prefix = prefix == null ? "" : prefix;
      String trouble = prefixTrouble(prefix);
      if (trouble != null) {
        throw new IllegalArgumentException(trouble);
      }
    }

    @Override
    public String toString() {
      return "s3 target " + name + (prefix.isEmpty() ? "" : " under '" + prefix + "'");
    }
  }

  /** Why {@code prefix} cannot start the keys of copies, or null when it can. */
  static String prefixTrouble(String prefix) {
    if (prefix.length() > MAX_PREFIX) {
      return "a key prefix is at most " + MAX_PREFIX + " characters, got " + prefix.length();
    }
    if (prefix.startsWith("/")) {
      return "a key prefix must not start with '/', got '" + prefix + "'";
    }
    for (String part : prefix.split("/", -1)) {
      if (part.equals("..") || part.equals(".")) {
        return "a key prefix must not hold '.' or '..' levels, got '" + prefix + "'";
      }
    }
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (c < 0x20 || c == 0x7F || c == '\\') {
        return "a key prefix must hold no control character or backslash, got '" + prefix + "'";
      }
    }
    return null;
  }
}
