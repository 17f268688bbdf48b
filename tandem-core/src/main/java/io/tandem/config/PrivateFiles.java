package io.tandem.config;

import java.io.IOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and folders that only their owner may read: folders are made 0700 and files 0600 when they are created
 * (on a file system without POSIX modes they get its defaults). What a recorder or a Manager writes (media,
 * local store, keys, certificates, config files it writes) is made through here. Stateless and thread-safe.
 */
public final class PrivateFiles {
  public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
  public static final Set<PosixFilePermission> FOLDER_MODE = PosixFilePermissions.fromString("rwx------");
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private PrivateFiles() {}

  /** Makes {@code folder} and its missing parents 0700; folders that exist already keep their mode. */
  public static Path createFolders(Path folder) throws IOException {
    if (Files.isDirectory(folder)) {
      return folder;
    }
    return POSIX ? Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(FOLDER_MODE))
        : Files.createDirectories(folder);
  }

  /** Opens {@code file} with {@code options}; a file it creates is 0600, in folders made 0700. */
  public static FileChannel open(Path file, OpenOption... options) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      createFolders(parent);
    }
    return POSIX ? FileChannel.open(file, Set.of(options), fileMode()) : FileChannel.open(file, options);
  }

  /** Makes {@code file} 0600 now, whoever created it. */
  public static void restrict(Path file) throws IOException {
    if (POSIX && Files.exists(file)) {
      Files.setPosixFilePermissions(file, Files.isDirectory(file) ? FOLDER_MODE : FILE_MODE);
    }
  }

  /** Creates {@code file} empty and 0600 if it does not exist, so that whoever writes it later keeps that mode. */
  public static Path touch(Path file) throws IOException {
    try (FileChannel ignored = open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      return file;
    }
  }

  /** Replaces {@code file} with {@code text} in one rename: written 0600 beside it, synced, then moved over it. */
  public static void writeAtomically(Path file, String text) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel channel = open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      channel.write(StandardCharsets.UTF_8.encode(text));
      channel.force(true);
    }
    restrict(temporary);
    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** A writer of a new or emptied file that is 0600. */
  public static Writer newWriter(Path file) throws IOException {
    touch(file);
    restrict(file);
    return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
  }

  private static FileAttribute<Set<PosixFilePermission>> fileMode() {
    return PosixFilePermissions.asFileAttribute(FILE_MODE);
  }
}
