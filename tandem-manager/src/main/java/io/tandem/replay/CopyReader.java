package io.tandem.replay;

import io.tandem.admin.RecorderClient;
import io.tandem.admin.RecorderClients;
import io.tandem.admin.RecorderException;
import io.tandem.call.Inum;
import io.tandem.database.MediaSource;
import io.tandem.media.MediaFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Reads the whole media of an interaction's first readable copy, in the order of its sources (the best-copy order),
 * each copy as {@link MediaReplay} reads it: from its archive file when it was archived (a sealed one opened with
 * the Manager's keys), otherwise, or when that file cannot be read here, from the recorder that holds it. Each copy
 * is read whole into a spool file with its SHA-256 before it counts as read, so a copy whose reading breaks off is
 * passed over like one that cannot be opened. Thread-safe.
 */
public final class CopyReader {
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  private final RecorderClients clients;
  private final MediaFiles files;

  public CopyReader(RecorderClients clients, MediaFiles files) {
    this.clients = clients;
    this.files = files;
  }

  /** A copy read whole: its INUM, the spool file holding its bytes (the caller deletes it), length and SHA-256. */
  public record ReadCopy(Inum inum, Path spool, long bytes, String sha256) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      Files.deleteIfExists(spool);
    }
  }

  /** What came of reading an interaction: the copy read, or why each copy could not be read. */
  public record Outcome(Optional<ReadCopy> copy, List<String> missed) {}

  /** Reads the first of {@code sources} that can be read whole into a new spool file in {@code directory}. */
  public Outcome read(List<MediaSource> sources, Path directory) throws IOException {
    List<String> missed = new ArrayList<>();
    for (MediaSource source : sources) {
      Path spool = Files.createTempFile(directory, "copy-" + source.inum() + "-", ".wav");
      Optional<String> miss = readInto(source, spool);
      if (miss.isEmpty()) {
        return new Outcome(Optional.of(spooled(source.inum(), spool)), List.copyOf(missed));
      }
      Files.deleteIfExists(spool);
      missed.add(miss.get());
    }
    return new Outcome(Optional.empty(), List.copyOf(missed));
  }

  /** Reads {@code source} whole into {@code spool}; empty when it did, else why not. */
  private Optional<String> readInto(MediaSource source, Path spool) {
    String archiveMiss = null;
    if (source.archived()) {
      Path file = Path.of(source.archiveLocation());
      if (Files.isRegularFile(file)) {
        try (InputStream in = files.newInputStream(file); OutputStream out = Files.newOutputStream(spool)) {
          in.transferTo(out);
          return Optional.empty();
        } catch (IOException e) {
          archiveMiss = "its archived file cannot be read here (" + e.getMessage() + ")";
        }
      } else {
        archiveMiss = "its archived file " + file + " cannot be read here";
      }
    }
    String archiveState = "copy " + source.inum() + ": " + (archiveMiss == null ? "not archived" : archiveMiss);
    if (source.adminUrl() == null) {
      return Optional.of(archiveState + " and recorder " + source.serial() + " is not registered");
    }
    return readFromRecorder(source, spool).map(miss -> archiveState + " and " + miss);
  }

  private Optional<String> readFromRecorder(MediaSource source, Path spool) {
    String recorder = "recorder " + source.serial() + " at " + source.adminUrl();
    try (RecorderClient.MediaAnswer answer = clients.of(source.adminUrl()).media(source.inum(), null, ANSWER_TIMEOUT)) {
      if (answer.status() != 200) {
        return Optional.of(recorder + " answered " + answer.status());
      }
      try (OutputStream out = Files.newOutputStream(spool)) {
        answer.body().transferTo(out);
      }
      return Optional.empty();
    } catch (RecorderException e) {
      return Optional.of(recorder + " cannot be reached (" + e.getMessage() + ")");
    } catch (IOException e) {
      return Optional.of(recorder + " broke off while sending (" + e.getMessage() + ")");
    }
  }

  private static ReadCopy spooled(Inum inum, Path spool) throws IOException {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    long bytes;
    try (InputStream in = Files.newInputStream(spool);
        DigestOutputStream digest = new DigestOutputStream(OutputStream.nullOutputStream(), sha256)) {
      bytes = in.transferTo(digest);
    }
    return new ReadCopy(inum, spool, bytes, HexFormat.of().formatHex(sha256.digest()));
  }
}
