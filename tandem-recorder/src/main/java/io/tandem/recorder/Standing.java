package io.tandem.recorder;

import io.tandem.call.Position;
import io.tandem.call.Role;
import io.tandem.config.PrivateFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A recorder's role and its pair's epoch as it last learned them from the call database, kept in a small
 * file so that a recorder restarted while the database is down goes on in the role it had. Thread-safe;
 * the file is replaced atomically.
 */
public final class Standing {
  private static final Logger log = LoggerFactory.getLogger(Standing.class);

  /** Role and epoch together, so that readers never see one without the other. */
  public record Current(Role role, long epoch) {}

  private final Path file;
  private volatile Current current;
  /** Whether the file lags the standing held, because writing it failed. */
  private boolean unsaved;

  private Standing(Path file, Current current) {
    this.file = file;
    this.current = current;
  }

  /** Loads the stored standing, or starts from the position's natural role at epoch 1. */
  public static Standing load(Path file, Position position) {
    Current initial = new Current(position == Position.MAIN ? Role.PRIMARY : Role.SECONDARY, 1);
    if (Files.isRegularFile(file)) {
      Properties stored = new Properties();
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        stored.load(reader);
        initial = new Current(Role.valueOf(stored.getProperty("role")), Long.parseLong(stored.getProperty("epoch")));
      } catch (IOException | RuntimeException e) {
        log.warn("standing file {} is unreadable ({}); starting as {}", file, e.getMessage(), initial);
      }
    }
    return new Standing(file, initial);
  }

  public Current current() {
    return current;
  }

  public Role role() {
    return current.role();
  }

  public long epoch() {
    return current.epoch();
  }

  /**
   * Adopts a role and epoch and stores them before returning; true when they are now the standing. An epoch
   * lower than the current one is refused (false, nothing changes): a stale answer never rolls a role back.
   * When the file cannot be written (a full disk) the standing is adopted all the same, since the call
   * database holds the truth and fencing guards marking; the file is written at the next update that can.
   */
  public synchronized boolean update(Role role, long epoch) {
    Current next = new Current(role, epoch);
    if (next.equals(current)) {
      if (unsaved) {
        storeQuietly(next);
      }
      return true;
    }
    if (epoch < current.epoch()) {
      log.warn("standing {} not adopted: the recorder is already at {}", next, current);
      return false;
    }
    storeQuietly(next);
    log.info("standing changes from {} to {}", current, next);
    current = next;
    return true;
  }

  private void storeQuietly(Current next) {
    try {
      store(next);
      unsaved = false;
    } catch (IOException e) {
      if (!unsaved) {
        log.error("standing {} cannot be stored in {} ({}); it holds in memory and is stored when the file can be "
            + "written", next, file, e.toString());
      }
      unsaved = true;
    }
  }

  private void store(Current next) throws IOException {
    Properties stored = new Properties();
    stored.setProperty("role", next.role().name());
    stored.setProperty("epoch", Long.toString(next.epoch()));
    StringWriter text = new StringWriter();
    stored.store(text, "role and epoch last learned from the call database");
    PrivateFiles.writeAtomically(file, text.toString());
  }
}
