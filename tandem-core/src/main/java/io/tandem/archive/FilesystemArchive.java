package io.tandem.archive;

import io.tandem.call.Inum;
import io.tandem.config.PrivateFiles;
import io.tandem.media.MediaChannel;
import io.tandem.media.MediaFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * The archive as folders of a filesystem: copies call media into an archive rule's target folder as
 * {@code <target>/yyyy/MM/dd/<inum>.wav} (UTC date of the call's start), whose absolute path is the copy's location,
 * and opens them again by that location. A copy is written to a temporary file beside its target, synced, verified by
 * SHA-256 against the source, and only then renamed into place, so a crash never leaves a partial archived file. A
 * sealed file is copied as it is stored, still sealed under its own key, and the copy is also opened chunk by chunk
 * to prove that every chunk authenticates. Folders are made 0700 and copies 0600.
 * A target folder that this process sees under another path (a network share mounted elsewhere) is reached through
 * its {@link ArchiveMounts}; locations stay as the recorders write them.
 * Idempotent: an existing copy with the source's checksum is kept, a differing one replaced. Stateless and
 * thread-safe, provided no two threads copy the same INUM into the same target at once.
 */
public final class FilesystemArchive implements Archive {
  private static final DateTimeFormatter DAY_FOLDER = DateTimeFormatter.ofPattern("yyyy/MM/dd")
      .withZone(ZoneOffset.UTC);
  private static final int BUFFER = 64 * 1024;

  private final MediaFiles files;
  private final ArchiveMounts mounts;

  /** An archive of plain media only, every folder seen under its own path. */
  public FilesystemArchive() {
    this(MediaFiles.plain());
  }

  /** {@code files} opens sealed media to verify and read their copies; every folder is seen under its own path. */
  public FilesystemArchive(MediaFiles files) {
    this(files, ArchiveMounts.none());
  }

  /** {@code mounts} says where this process sees target folders that it does not see under their own path. */
  public FilesystemArchive(MediaFiles files, ArchiveMounts mounts) {
    this.files = Objects.requireNonNull(files, "files");
    this.mounts = Objects.requireNonNull(mounts, "mounts");
  }

  /** Copies under a rule's folder; a rule naming an S3 target is refused as a target this archive cannot reach. */
  @Override
  public ArchivedCopy copy(Path source, ArchiveRule rule, Inum inum, Instant start) throws IOException {
    if (!(rule.target() instanceof ArchiveTarget.Folder folder)) {
      throw new ArchiveUnavailableException("archive rule '" + rule.name() + "' names " + rule.target()
          + ", and this process archives to folders only");
    }
    return copy(source, folder.folder(), inum, start);
  }

  /** Copies a call's media file, as it is stored, under the folder {@code targetRoot}. */
  public ArchivedCopy copy(Path source, Path targetRoot, Inum inum, Instant start) throws IOException {
    if (!Files.isRegularFile(source)) {
      throw new NoSuchFileException(source.toString(), null, "no media file to archive for call " + inum);
    }
    Path location = targetRoot.resolve(DAY_FOLDER.format(start)).toAbsolutePath().resolve(inum + ".wav");
    Path target = mounts.seen(location);
    Path folder = target.getParent();
    String sourceSum = sha256(source);
    long bytes = Files.size(source);
    if (Files.isRegularFile(target) && sha256(target).equals(sourceSum)) {
      return new ArchivedCopy(location.toString(), sourceSum, bytes);
    }
    PrivateFiles.createFolders(folder);
    // A fixed temporary name: a copy cut off by a crash is simply overwritten by the next attempt.
    Path temporary = folder.resolve("." + inum + ".wav.part");
    copyBytes(source, temporary);
    String copySum = sha256(temporary);
    if (!copySum.equals(sourceSum)) {
      Files.deleteIfExists(temporary);
      throw new IOException("archived copy of call " + inum + " has SHA-256 " + copySum + " but its source "
          + source + " has " + sourceSum);
    }
    if (MediaFiles.isSealed(temporary)) {
      files.verify(temporary);
    }
    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    syncFolder(folder);
    return new ArchivedCopy(location.toString(), sourceSum, bytes);
  }

  @Override
  public MediaChannel open(String location) throws IOException {
    Path written;
    try {
      written = Path.of(location);
    } catch (InvalidPathException e) {
      throw new ArchiveUnreachableException("'" + location + "' is not a path of a filesystem archive");
    }
    Optional<ArchiveMounts.Mount> mount = mounts.holding(written);
    if (mount.isPresent() && !Files.isDirectory(mount.get().seenAt())) {
      throw new ArchiveUnreachableException("archive folder " + mount.get().target() + " is mounted here at "
          + mount.get().seenAt() + ", which is not a folder");
    }
    Path file = mounts.seen(written);
    if (!Files.isRegularFile(file)) {
      throw new ArchiveUnreachableException(mount.isPresent()
          ? "no archived file " + file + " in archive folder " + mount.get().target() + " (mounted here at "
              + mount.get().seenAt() + ")"
          : "archived file " + file + " is not on this host, and no archive mount says where its folder is seen");
    }
    return files.open(file, false);
  }

  /** Copies the stored bytes into a new 0600 file and syncs it. */
  private static void copyBytes(Path source, Path target) throws IOException {
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
        FileChannel out = PrivateFiles.open(target, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      long size = in.size();
      for (long done = 0; done < size; ) {
        long moved = in.transferTo(done, size - done, out);
        if (moved <= 0) {
          break;
        }
        done += moved;
      }
      out.force(true);
    }
    PrivateFiles.restrict(target);
  }

  /** The lower-case hex SHA-256 of a file's content. */
  public static String sha256(Path file) throws IOException {
    MessageDigest digest = newDigest();
    byte[] buffer = new byte[BUFFER];
    try (InputStream in = Files.newInputStream(file)) {
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void sync(Path path, StandardOpenOption mode) throws IOException {
    try (FileChannel channel = FileChannel.open(path, mode)) {
      channel.force(true);
    }
  }

  private static void syncFolder(Path folder) {
    try {
      sync(folder, StandardOpenOption.READ);
    } catch (IOException e) {
      // Some file systems cannot sync a directory; the rename itself is still atomic there.
    }
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
