package io.tandem.replay;

import io.tandem.admin.RecorderClient;
import io.tandem.admin.RecorderClients;
import io.tandem.admin.RecorderException;
import io.tandem.call.Inum;
import io.tandem.database.MediaSource;
import io.tandem.archive.Archive;
import io.tandem.archive.ArchiveUnreachableException;
import io.tandem.media.MediaChannel;
import java.nio.ByteBuffer;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Reads the whole media of an interaction's first readable copy, in the order of its sources (the best-copy order),
 * each copy as {@link MediaReplay} reads it: from its archive file when it was archived (a sealed one opened with
 * the Manager's keys), otherwise, or when that file cannot be read here, from the recorder that holds it. Each copy
 * is read whole into a spool file, its SHA-256 taken on the way, before it counts as read, so a copy whose reading
 * breaks off is passed over like one that cannot be opened. Thread-safe.
 */
public final class CopyReader {
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  private final RecorderClients clients;
  private final Archive archive;

  public CopyReader(RecorderClients clients, Archive archive) {
    this.clients = clients;
    this.archive = archive;
  }

  /**
   * A copy read whole: its INUM, the spool file holding its bytes (the caller deletes it), length, SHA-256, and the
   * CRC-32 a ZIP entry stored without compression declares before its bytes.
   */
  public record ReadCopy(Inum inum, Path spool, long bytes, String sha256, long crc32) implements AutoCloseable {
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
      Attempt attempt = readInto(source, spool);
      if (attempt.written() != null) {
        return new Outcome(Optional.of(attempt.written().copy(source.inum(), spool)), List.copyOf(missed));
      }
      Files.deleteIfExists(spool);
      missed.add(attempt.miss());
    }
    return new Outcome(Optional.empty(), List.copyOf(missed));
  }

  /** A copy written whole to its spool, or why it could not be. */
  private record Attempt(SpoolOutput written, String miss) {
    static Attempt missed(String why) {
      return new Attempt(null, why);
    }
  }

  /** Reads {@code source} whole into {@code spool}, from its archive file, else from its recorder. */
  private Attempt readInto(MediaSource source, Path spool) {
    String archiveMiss = null;
    if (source.archived()) {
      try (MediaChannel archived = archive.open(source.archiveLocation()); SpoolOutput out = new SpoolOutput(spool)) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long position = 0;
        long size = archived.size();
        while (position < size) {
          buffer.clear();
          int read = archived.read(buffer, position);
          if (read < 0) {
            break;
          }
          out.write(buffer.array(), 0, read);
          position += read;
        }
        return new Attempt(out, null);
      } catch (ArchiveUnreachableException e) {
        archiveMiss = "its archived file cannot be reached from here (" + e.getMessage() + ")";
      } catch (IOException e) {
        archiveMiss = "its archived file cannot be read here (" + e.getMessage() + ")";
      }
    }
    String archiveState = "copy " + source.inum() + ": " + (archiveMiss == null ? "not archived" : archiveMiss);
    if (source.adminUrl() == null) {
      return Attempt.missed(archiveState + " and recorder " + source.serial() + " is not registered");
    }
    Attempt relayed = readFromRecorder(source, spool);
    return relayed.written() != null ? relayed : Attempt.missed(archiveState + " and " + relayed.miss());
  }

  private Attempt readFromRecorder(MediaSource source, Path spool) {
    String recorder = "recorder " + source.serial() + " at " + source.adminUrl();
    try (RecorderClient.MediaAnswer answer = clients.of(source.adminUrl()).media(source.inum(), null, ANSWER_TIMEOUT)) {
      if (answer.status() != 200) {
        return Attempt.missed(recorder + " answered " + answer.status());
      }
      try (SpoolOutput out = new SpoolOutput(spool)) {
        answer.body().transferTo(out);
        return new Attempt(out, null);
      }
    } catch (RecorderException e) {
      return Attempt.missed(recorder + " cannot be reached (" + e.getMessage() + ")");
    } catch (IOException e) {
      return Attempt.missed(recorder + " broke off while sending (" + e.getMessage() + ")");
    }
  }

  /** Writes a spool file from its start, taking the length, SHA-256 and CRC-32 of what passes. Not thread-safe. */
  private static final class SpoolOutput extends FilterOutputStream {
    private final MessageDigest sha256;
    private final CRC32 crc = new CRC32();
    private long bytes;

    SpoolOutput(Path file) throws IOException {
      super(Files.newOutputStream(file));
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-256", e);
      }
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      sha256.update((byte) b);
      crc.update(b);
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      sha256.update(b, off, len);
      crc.update(b, off, len);
      bytes += len;
    }

    ReadCopy copy(Inum inum, Path spool) {
      return new ReadCopy(inum, spool, bytes, HexFormat.of().formatHex(sha256.digest()), crc.getValue());
    }
  }
}
