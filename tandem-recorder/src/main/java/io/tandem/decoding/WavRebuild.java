package io.tandem.decoding;

import io.tandem.media.MediaChannel;
import io.tandem.media.MediaFiles;
import io.tandem.media.WavFile;
import io.tandem.media.WavHeader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Builds a call's decoded WAV at its new rate: first the WAV's own audio (copied, or as ffmpeg resampled it),
 * as long as it was or as long as the last packet reaches if that is later, then each run's decoded audio
 * written over its packets' places in its channel, packet by packet in the order they were logged. The WAV is read
 * and the new one written through {@code files} (sealed when sealing is on), the decode's own files through
 * {@code scratch}. Not thread-safe.
 */
final class WavRebuild {
  private static final int TIMELINE_RATE = 8000;
  private static final int BYTES = WavFile.BYTES_PER_SAMPLE;

  private final Path wav;
  private final WavHeader capture;
  private final int rate;
  private final Path resampled;
  private final MediaFiles files;
  private final MediaFiles scratch;

  /** @param resampled where ffmpeg wrote the WAV's audio at {@code rate}, used when the WAV's rate differs */
  WavRebuild(Path wav, WavHeader capture, int rate, Path resampled, MediaFiles files, MediaFiles scratch) {
    this.wav = wav;
    this.capture = capture;
    this.rate = rate;
    this.resampled = resampled;
    this.files = files;
    this.scratch = scratch;
  }

  /** Writes the WAV to {@code target} and makes it durable; returns its data bytes. */
  long build(Path target, List<PayloadRun> runs) throws IOException {
    int channels = capture.channels();
    long captureFrames = capture.dataBytes() / capture.blockAlign();
    long baseFrames = captureFrames * rate / capture.sampleRate();
    long frames = baseFrames;
    for (PayloadRun run : runs) {
      frames = Math.max(frames, toRate(run.end()));
    }
    long dataBytes = Math.min(frames * channels * BYTES, WavFile.MAX_DATA_BYTES / (channels * BYTES)
        * (channels * BYTES));
    try (MediaChannel out = files.replace(target)) {
      WavFile.writeHeader(out, channels, rate, dataBytes);
      copyBase(out, Math.min(baseFrames * channels * BYTES, dataBytes));
      if (out.size() < WavFile.HEADER_BYTES + dataBytes) {
        // The rest reads as silence: one byte at the end makes the file its full length.
        out.write(ByteBuffer.allocate(1), WavFile.HEADER_BYTES + dataBytes - 1);
      }
      for (PayloadRun run : runs) {
        if (run.channel < channels) {
          overlay(out, run, channels, dataBytes);
        }
      }
      out.force();
    }
    return dataBytes;
  }

  private void copyBase(MediaChannel out, long bytes) throws IOException {
    boolean same = capture.sampleRate() == rate;
    Path source = same ? wav : resampled;
    long offset = same ? capture.dataOffset() : 0;
    if (bytes <= 0 || !Files.exists(source)) {
      return;
    }
    try (MediaChannel in = (same ? files : scratch).open(source, false)) {
      long available = Math.min(bytes, Math.max(0, in.size() - offset));
      ByteBuffer block = ByteBuffer.allocate(1 << 16);
      long done = 0;
      while (done < available) {
        block.clear().limit((int) Math.min(block.capacity(), available - done));
        int read = in.read(block, offset + done);
        if (read <= 0) {
          break;
        }
        out.write(block.flip(), WavFile.HEADER_BYTES + done);
        done += read;
      }
    }
  }

  /**
   * Writes each packet's decoded samples, read in order from the run's output, over its place in its channel;
   * packets that follow each other are written as one span.
   */
  private void overlay(MediaChannel out, PayloadRun run, int channels, long dataBytes) throws IOException {
    long limitFrames = dataBytes / (channels * BYTES);
    Span span = new Span(out, run.channel, channels, limitFrames);
    try (InputStream in = new BufferedInputStream(scratch.newInputStream(run.output), 1 << 16)) {
      for (int i = 0; i < run.count(); i++) {
        int count = (int) toRate(run.frames(i));
        long start = toRate(run.position(i));
        if (!span.continuesAt(start, count)) {
          span.write();
          span.startAt(start, count);
        }
        span.append(in, count);
      }
    }
    span.write();
  }

  /** Samples of one channel for consecutive frames, gathered to be written over their place at once. */
  private static final class Span {
    private static final int MAX_FRAMES = 1 << 15;
    private final MediaChannel out;
    private final int channel;
    private final int channels;
    private final long limitFrames;
    private byte[] samples = new byte[MAX_FRAMES * BYTES];
    private ByteBuffer frames = ByteBuffer.allocate(0);
    private long start;
    private int length;

    Span(MediaChannel out, int channel, int channels, long limitFrames) {
      this.out = out;
      this.channel = channel;
      this.channels = channels;
      this.limitFrames = limitFrames;
    }

    boolean continuesAt(long at, int count) {
      return length > 0 && at == start + length && length + count <= MAX_FRAMES;
    }

    void startAt(long at, int count) {
      start = at;
      length = 0;
      if (samples.length < count * BYTES) {
        samples = new byte[count * BYTES];
      }
    }

    /** Reads {@code count} samples from the run's output; past its end they are silence. */
    void append(InputStream in, int count) throws IOException {
      int at = length * BYTES;
      int got = in.readNBytes(samples, at, count * BYTES);
      Arrays.fill(samples, at + got, at + count * BYTES, (byte) 0);
      length += count;
    }

    void write() throws IOException {
      int frameCount = (int) Math.max(0, Math.min(length, limitFrames - start));
      length = 0;
      if (frameCount == 0) {
        return;
      }
      long at = WavFile.HEADER_BYTES + start * channels * BYTES;
      if (channels == 1) {
        WavRebuild.write(out, ByteBuffer.wrap(samples, 0, frameCount * BYTES), at);
        return;
      }
      int bytes = frameCount * channels * BYTES;
      if (frames.capacity() < bytes) {
        frames = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
      }
      frames.clear().limit(bytes);
      out.readFully(frames, at);
      for (int f = 0; f < frameCount; f++) {
        int to = (f * channels + channel) * BYTES;
        frames.put(to, samples[f * BYTES]).put(to + 1, samples[f * BYTES + 1]);
      }
      frames.clear().limit(bytes);
      WavRebuild.write(out, frames, at);
    }
  }

  /** Writes the buffer's remaining bytes with its current position at file offset {@code at}. */
  private static void write(MediaChannel out, ByteBuffer bytes, long at) throws IOException {
    out.write(bytes, at);
  }

  private long toRate(long timelineFrames) {
    return timelineFrames * rate / TIMELINE_RATE;
  }
}
