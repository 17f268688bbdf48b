package io.tandem.archive;

import io.tandem.call.Inum;
import io.tandem.media.MediaChannel;
import io.tandem.media.MediaFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The archive with every target a process knows: folders of its filesystems (seen through its archive mounts) and
 * the S3 targets of its config file. A copy goes where its rule says; a location is opened where it says, an
 * {@code s3:<target>/<key>} in that S3 target, any other as a filesystem path. A rule or a location naming an S3
 * target this process's config does not name cannot be served now: the copy waits, the replay passes over it.
 * Thread-safe; {@link #close()} closes the S3 clients.
 */
public final class ArchiveTargets implements Archive, AutoCloseable {
  private final FilesystemArchive folders;
  private final Map<String, S3Archive> buckets;

  public ArchiveTargets(FilesystemArchive folders, Map<String, S3Archive> buckets) {
    this.folders = Objects.requireNonNull(folders, "folders");
    this.buckets = Map.copyOf(buckets);
  }

  /** The archive of a process: its folders through {@code mounts}, and one S3 client for each of {@code targets}. */
  public static ArchiveTargets of(MediaFiles files, ArchiveMounts mounts, S3Targets targets, Clock clock) {
    Map<String, S3Archive> buckets = new LinkedHashMap<>();
    for (S3Target target : targets.byName().values()) {
      buckets.put(target.name(), new S3Archive(target, files, clock));
    }
    return new ArchiveTargets(new FilesystemArchive(files, mounts), buckets);
  }

  @Override
  public ArchivedCopy copy(Path source, ArchiveRule rule, Inum inum, Instant start) throws IOException {
    return switch (rule.target()) {
      case ArchiveTarget.Folder folder -> folders.copy(source, folder.folder(), inum, start);
      case ArchiveTarget.S3 s3 -> {
        S3Archive bucket = buckets.get(s3.name());
        if (bucket == null) {
          throw new ArchiveUnavailableException("archive rule '" + rule.name() + "' names S3 target '" + s3.name()
              + "', which this process's config file does not name (archive.s3." + s3.name() + ".*)");
        }
        yield bucket.copy(source, rule, inum, start);
      }
    };
  }

  @Override
  public MediaChannel open(String location) throws IOException {
    if (!location.startsWith(S3Archive.SCHEME)) {
      return folders.open(location);
    }
    String rest = location.substring(S3Archive.SCHEME.length());
    int slash = rest.indexOf('/');
    String name = slash < 0 ? rest : rest.substring(0, slash);
    S3Archive bucket = buckets.get(name);
    if (bucket == null) {
      throw new ArchiveUnreachableException("archived copy " + location + " is in S3 target '" + name
          + "', which this process's config file does not name (archive.s3." + name + ".*)");
    }
    return bucket.open(location);
  }

  @Override
  public void close() {
    buckets.values().forEach(S3Archive::close);
  }
}
