package io.tandem.archive;

import io.tandem.config.ConfigException;
import io.tandem.config.ConfigFile;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where this process sees archive rules' target folders that it does not see under their own path: an archive folder
 * the recorders write as {@code /srv/tandem/archive} may be mounted on the Manager's host as
 * {@code /mnt/recorders/archive}. A folder no mount names is seen under its own path. Immutable, validated when built.
 */
public record ArchiveMounts(List<Mount> mounts) {
  /** The prefix of the config keys {@code archive.mount.NAME.target} and {@code archive.mount.NAME.seenAt}. */
  public static final String PREFIX = "archive.mount.";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /**
   * One archive folder and where it is seen here; both absolute.
   *
   * @param target the archive rule's target folder, as the recorders write it
   * @param seenAt where this process sees that folder
   */
  public record Mount(String name, Path target, Path seenAt) {
    public Mount {
      if (!target.isAbsolute() || !seenAt.isAbsolute()) {
        throw new IllegalArgumentException("a mount needs absolute folders, got " + target + " and " + seenAt);
      }
      target = target.normalize();
      seenAt = seenAt.normalize();
    }
  }

  public ArchiveMounts {
    mounts = List.copyOf(mounts);
    Set<Path> targets = new HashSet<>();
    for (Mount mount : mounts) {
      if (!targets.add(mount.target())) {
        throw new ConfigException("'" + PREFIX + mount.name() + ".target' names the archive folder " + mount.target()
            + ", which another archive mount names already: give each folder one mount");
      }
    }
  }

  /** No mount: every archive folder is seen under its own path. */
  public static ArchiveMounts none() {
    return new ArchiveMounts(List.of());
  }

  /**
   * Reads every {@code archive.mount.NAME.target} and {@code archive.mount.NAME.seenAt}; a missing, relative or
   * malformed value fails naming its key.
   */
  public static ArchiveMounts from(ConfigFile file) {
    List<Mount> mounts = new ArrayList<>();
    for (String name : file.namesUnder(PREFIX)) {
      String prefix = PREFIX + name + ".";
      if (!NAME.matcher(name).matches()) {
        throw new ConfigException("'" + PREFIX + name + "' must be named with 1 to 64 letters, digits, '.', '-' or "
            + "'_', such as archive.mount.main.target");
      }
      mounts.add(new Mount(name, folder(file, prefix + "target"), folder(file, prefix + "seenAt")));
    }
    return new ArchiveMounts(mounts);
  }

  private static Path folder(ConfigFile file, String key) {
    String value = file.string(key, null);
    if (value == null) {
      throw new ConfigException("'" + key + "' must be an absolute folder, got nothing");
    }
    Path path;
    try {
      path = Path.of(value);
    } catch (InvalidPathException e) {
      throw new ConfigException("'" + key + "' must be an absolute folder, got '" + value + "'");
    }
    if (!path.isAbsolute()) {
      throw new ConfigException("'" + key + "' must be an absolute folder, got '" + value + "'");
    }
    return path;
  }

  /** The mount whose target folder holds {@code path}, the innermost when several do; empty when none does. */
  public Optional<Mount> holding(Path path) {
    Path normal = path.toAbsolutePath().normalize();
    return mounts.stream().filter(mount -> normal.startsWith(mount.target()))
        .max(Comparator.comparingInt(mount -> mount.target().getNameCount()));
  }

  /** Where this process sees {@code path}, a path as the recorders write it. */
  public Path seen(Path path) {
    Path normal = path.toAbsolutePath().normalize();
    return holding(normal).map(mount -> mount.seenAt().resolve(mount.target().relativize(normal))).orElse(normal);
  }

  @Override
  public String toString() {
    return mounts.stream().map(mount -> mount.target() + " seen at " + mount.seenAt()).toList().toString();
  }
}
