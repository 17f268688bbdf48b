package io.tandem.workflow;

import io.tandem.call.CallRecord;
import io.tandem.media.MediaChannel;
import io.tandem.media.MediaFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks a finished call's WAV file against its media statistics before it is marked or linked: the file exists,
 * has a RIFF/WAVE header, its data length (size minus the 44-byte header) equals the bytes the statistics
 * count, and their duration agrees with 16-bit audio at the header's rate on its channels within 20 ms. A call
 * with no file, or a file shorter than a WAV header, holds no media at all (a kill -9 came before any reached the
 * disk). A sealed file is checked on its plain bytes; one this recorder's keys cannot open is unreadable.
 * Stateless and thread-safe.
 */
public final class MediaCheck {
  static final int HEADER_BYTES = 44;
  static final long TOLERANCE_MILLIS = 20;
  private static final int BYTES_PER_SAMPLE = 2;

  private final Path dataDir;
  private final MediaFiles files;

  public MediaCheck(Path dataDir) {
    this(dataDir, MediaFiles.plain());
  }

  public MediaCheck(Path dataDir, MediaFiles files) {
    this.dataDir = dataDir;
    this.files = files;
  }

  /** Why the call's media cannot be consolidated, or empty when it is sound. */
  public Optional<String> problem(CallRecord call) {
    return verdict(call).problem();
  }

  /** Whether the call's media is sound, absent altogether, or unsound and why. */
  public MediaVerdict verdict(CallRecord call) {
    Path media = dataDir.resolve(call.mediaPath());
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    long size;
    // One open, then the size from the open file and the header by one read: this runs for every call
    // consolidated, and looking the path up twice was a third of its time.
    try (MediaChannel in = files.open(media, false)) {
      size = in.size();
      if (size >= HEADER_BYTES) {
        in.readFully(header, 0);
      }
    } catch (NoSuchFileException e) {
      return missing(call);
    } catch (IOException e) {
      return Files.isDirectory(media) ? missing(call)
          : MediaVerdict.unsound("media file " + call.mediaPath() + " is unreadable: " + e.getMessage());
    }
    if (size < HEADER_BYTES) {
      return MediaVerdict.none("media file " + call.mediaPath() + " is shorter than a WAV header");
    }
    int channels = header.hasRemaining() ? 0 : channels(header.array());
    int rate = header.hasRemaining() ? 0 : rate(header.array());
    if (channels < 1 || rate < 1) {
      return MediaVerdict.unsound("media file " + call.mediaPath() + " is not a WAV file with at least one channel");
    }
    return disagreement(call, size - HEADER_BYTES, channels, rate);
  }

  private static MediaVerdict missing(CallRecord call) {
    return MediaVerdict.none("media file " + call.mediaPath() + " is missing");
  }

  private static MediaVerdict disagreement(CallRecord call, long dataBytes, int channels, int rate) {
    if (dataBytes != call.stats().bytes()) {
      return MediaVerdict.unsound("media file has " + dataBytes + " data bytes but the statistics count "
          + call.stats().bytes());
    }
    long playedMillis = dataBytes * 1000 / ((long) BYTES_PER_SAMPLE * channels * rate);
    if (Math.abs(playedMillis - call.stats().durationMillis()) > TOLERANCE_MILLIS) {
      return MediaVerdict.unsound("media plays for " + playedMillis + " ms on " + channels
          + " channel(s) but the statistics say " + call.stats().durationMillis() + " ms");
    }
    return MediaVerdict.sound();
  }

  /** The sample rate a RIFF/WAVE header declares, or 0 when it is not one. */
  private static int rate(byte[] header) {
    return channels(header) > 0 ? ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt(24) : 0;
  }

  /** The channels a RIFF/WAVE header declares, or 0 when it is not one. */
  private static int channels(byte[] header) {
    boolean wave = "RIFF".equals(new String(header, 0, 4, StandardCharsets.US_ASCII))
        && "WAVE".equals(new String(header, 8, 4, StandardCharsets.US_ASCII));
    return wave ? ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getShort(22) : 0;
  }
}
