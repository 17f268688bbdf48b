package io.tandem.recorder;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tandem.config.PrivateFiles;
import io.tandem.database.LegalHold;
import io.tandem.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pair's legal holds as last read from the call database, kept in a file of the data directory, so that a
 * retention pass while the call database cannot be reached, even after a restart, goes by the holds known last
 * and the recorder keeps rolling off what it marked itself. Until a first read succeeds (a recorder that has never
 * reached its call database) the holds are unknown, and nothing is rolled off. Thread-safe.
 */
final class LegalHoldCache {
  private static final Logger LOG = LoggerFactory.getLogger(LegalHoldCache.class);
  private static final TypeReference<List<LegalHold>> HOLDS = new TypeReference<>() {};

  /** Reads the pair's holds from the call database. */
  @FunctionalInterface
  interface Source {
    List<LegalHold> holds() throws Exception;
  }

  private final Path file;
  private volatile List<LegalHold> known;

  private LegalHoldCache(Path file, List<LegalHold> known) {
    this.file = file;
    this.known = known;
  }

  /** The holds stored in {@code file}, or unknown when there is none or it cannot be read. */
  static LegalHoldCache load(Path file) {
    if (!Files.isRegularFile(file)) {
      return new LegalHoldCache(file, null);
    }
    try {
      return new LegalHoldCache(file, List.copyOf(Json.MAPPER.readValue(Files.readString(file), HOLDS)));
    } catch (IOException | RuntimeException e) {
      LOG.warn("legal holds file {} is unreadable ({}); the holds are unknown until the call database answers", file,
          e.getMessage());
      return new LegalHoldCache(file, null);
    }
  }

  /** The holds known last, or null when none was ever read. */
  List<LegalHold> known() {
    return known;
  }

  /**
   * Reads the holds from {@code source} and stores them when they changed; when the source fails, the holds known
   * last, or null when none ever were.
   */
  List<LegalHold> refresh(Source source) {
    List<LegalHold> read;
    try {
      read = List.copyOf(source.holds());
    } catch (Exception e) {
      LOG.warn("legal holds cannot be read from the call database ({}); {}", e.getMessage(), known == null
          ? "none was ever read, so nothing is rolled off" : "retention goes by the " + known.size() + " known last");
      return known;
    }
    if (!read.equals(known)) {
      try {
        PrivateFiles.writeAtomically(file, Json.write(read));
      } catch (IOException e) {
        LOG.warn("legal holds cannot be stored in {} ({}); they hold in memory", file, e.getMessage());
      }
      known = read;
    }
    return read;
  }
}
