package io.tandem.callbuffer;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the free space of a recorder's data directory against its {@link DiskFloor}. Below the floor the
 * recorder is low: it takes no new call, and its calls in progress finish into the reserve below the floor. It
 * stays low until free space is back above the floor plus a margin of a quarter of the floor, so that calls
 * ending or a retention pass that frees a little room do not make it flap. {@link #check()} samples the
 * filesystem (one system call) and runs on a schedule; {@link #low()} and {@link #reading()} only read the last
 * verdict. A sample that fails counts as low: a data directory that cannot be asked cannot be trusted with calls.
 * Thread-safe; checks must not run concurrently.
 */
public final class FreeSpaceWatch {
  private static final Logger log = LoggerFactory.getLogger(FreeSpaceWatch.class);

  /** One look at the filesystem: what an unprivileged writer may still use, and its whole size. */
  public record Space(long usableBytes, long totalBytes) {}

  /** Looks at the filesystem; one system call. */
  @FunctionalInterface
  public interface Probe {
    Space sample() throws IOException;
  }

  /**
   * What the last check found.
   *
   * @param freeBytes usable bytes left; 0 when the filesystem could not be asked
   * @param resumeBytes the free space at which a low recorder takes calls again
   */
  public record Reading(long freeBytes, long floorBytes, long resumeBytes, boolean low) {}

  private final DiskFloor floor;
  private final Probe probe;
  private final String where;
  private volatile Reading last;

  /** Watches with {@code probe} and checks once, so that the first verdict is known before any call comes. */
  public FreeSpaceWatch(DiskFloor floor, Probe probe, String where) {
    this.floor = floor;
    this.probe = probe;
    this.where = where;
    this.last = new Reading(0, 0, 0, false);
    check();
  }

  /** Watches the filesystem that holds {@code dataDir}. */
  public static FreeSpaceWatch of(Path dataDir, DiskFloor floor) throws IOException {
    FileStore store = Files.getFileStore(dataDir);
    return new FreeSpaceWatch(floor, () -> new Space(store.getUsableSpace(), store.getTotalSpace()),
        dataDir.toString());
  }

  /** Samples the filesystem and decides whether the recorder is low; logs when that changes. */
  public Reading check() {
    Reading before = last;
    Space space;
    try {
      space = probe.sample();
    } catch (IOException | RuntimeException e) {
      last = new Reading(0, before.floorBytes(), before.resumeBytes(), true);
      if (!before.low()) {
        log.warn("cannot read the free space of {} ({}): taking no new call until it can be read", where,
            e.toString());
      }
      return last;
    }
    long floorBytes = floor.bytesFor(space.totalBytes());
    long resumeBytes = floorBytes + floorBytes / 4;
    Reading now = new Reading(space.usableBytes(), floorBytes, resumeBytes,
        lowAfter(before.low(), space.usableBytes(), floorBytes, resumeBytes));
    last = now;
    report(before, now);
    return now;
  }

  /** Whether the last check found the data directory below its floor (or could not ask it). */
  public boolean low() {
    return last.low();
  }

  public Reading reading() {
    return last;
  }

  /** The hysteresis: low below the floor, and then until free space reaches the resume level. */
  static boolean lowAfter(boolean wasLow, long freeBytes, long floorBytes, long resumeBytes) {
    return wasLow ? freeBytes < resumeBytes : freeBytes < floorBytes;
  }

  private void report(Reading before, Reading now) {
    if (now.low() && !before.low()) {
      log.warn("free space of {} is {}, below its floor of {}: new calls are refused with 503, calls in progress "
          + "finish into the reserve; calls are taken again from {} free", where, DiskFloor.size(now.freeBytes()),
          DiskFloor.size(now.floorBytes()), DiskFloor.size(now.resumeBytes()));
    } else if (!now.low() && before.low()) {
      log.info("free space of {} is back to {}, above {}: taking new calls again", where,
          DiskFloor.size(now.freeBytes()), DiskFloor.size(now.resumeBytes()));
    }
  }
}
