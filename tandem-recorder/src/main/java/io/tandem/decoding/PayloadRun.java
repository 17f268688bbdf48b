package io.tandem.decoding;

import io.tandem.capture.rtp.PayloadLog;
import io.tandem.media.AudioEncoding;
import io.tandem.media.MediaFiles;
import io.tandem.media.OpusPacket;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The packets of one channel in one decodable encoding (and, for iLBC, one frame mode), written as a
 * stream ffmpeg demuxes (raw G.722, G.729 and GSM frames, iLBC storage format, Ogg Opus), with where each
 * packet goes on the call's timeline and how much audio it decodes to. A G.729 Annex B SID frame is comfort
 * noise: it is left out and its place stays silent. Not thread-safe.
 */
final class PayloadRun implements AutoCloseable {
  final int channel;
  final AudioEncoding encoding;
  /** The rate its audio is replayed at. */
  final int audioRate;
  final Path input;
  final Path output;
  private final int ilbcMode;
  private final OutputStream out;
  private final OggOpusWriter ogg;
  private long[] positions = new long[256];
  private int[] frames = new int[256];
  private int count;
  private long end;

  /** {@code scratch} makes its input file: sealed under a key of this process alone when media are sealed. */
  PayloadRun(int index, int channel, AudioEncoding encoding, int audioRate, int ilbcMode, Path folder,
      MediaFiles scratch) throws IOException {
    this.channel = channel;
    this.encoding = encoding;
    this.audioRate = audioRate;
    this.ilbcMode = ilbcMode;
    this.input = folder.resolve("run-" + index + ".in");
    this.output = folder.resolve("run-" + index + ".pcm");
    this.out = new BufferedOutputStream(scratch.newOutputStream(input), 1 << 16);
    this.ogg = encoding == AudioEncoding.OPUS ? new OggOpusWriter(out) : null;
    if (encoding == AudioEncoding.ILBC) {
      out.write(("#!iLBC" + ilbcMode + "\n").getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** The key of the run a packet belongs to. */
  static String key(int channel, AudioEncoding encoding, byte[] payload) {
    return channel + ":" + encoding + (encoding == AudioEncoding.ILBC ? AudioEncoding.ilbcMode(payload.length) : "");
  }

  int ilbcMode() {
    return ilbcMode;
  }

  /** Adds a packet; one whose length fits no whole number of frames is left out (its place stays silent). */
  void add(PayloadLog.Packet packet) throws IOException {
    byte[] payload = packet.payload();
    int decoded;
    switch (encoding) {
      case G722 -> {
        out.write(payload);
        decoded = payload.length;
      }
      case G729 -> {
        int speech = payload.length / AudioEncoding.G729_FRAME_BYTES * AudioEncoding.G729_FRAME_BYTES;
        out.write(payload, 0, speech);
        decoded = speech / AudioEncoding.G729_FRAME_BYTES * 80;
      }
      case GSM, ILBC -> {
        decoded = Math.max(0, encoding.frames(payload, 0, payload.length));
        if (decoded > 0) {
          out.write(payload);
        }
      }
      case OPUS -> {
        int samples = OpusPacket.samples(payload, 0, payload.length);
        decoded = Math.max(0, samples / 6);
        if (samples > 0) {
          ogg.packet(payload, samples);
        }
      }
      default -> throw new IllegalStateException(encoding + " is not decoded from a run");
    }
    if (decoded == 0) {
      return;
    }
    if (count == positions.length) {
      positions = Arrays.copyOf(positions, count * 2);
      frames = Arrays.copyOf(frames, count * 2);
    }
    positions[count] = packet.position();
    frames[count] = decoded;
    count++;
    end = Math.max(end, packet.position() + decoded);
  }

  int count() {
    return count;
  }

  /** Where packet {@code i} starts on the call's timeline, in 8 kHz frames. */
  long position(int i) {
    return positions[i];
  }

  /** How much audio packet {@code i} decodes to, in 8 kHz frames. */
  int frames(int i) {
    return frames[i];
  }

  /** The timeline frame after its last packet. */
  long end() {
    return end;
  }

  /** The ffmpeg input options that read {@link #input}. */
  List<String> inputOptions() {
    return inputOptions(input.toString());
  }

  /** The ffmpeg input options that read this run's input from {@code source} (a file, or {@code pipe:0}). */
  List<String> inputOptions(String source) {
    String format = switch (encoding) {
      case G722 -> "g722";
      case G729 -> "g729";
      case GSM -> "gsm";
      case ILBC -> "ilbc";
      case OPUS -> "ogg";
      default -> throw new IllegalStateException(encoding + " is not decoded from a run");
    };
    return List.of("-f", format, "-i", source);
  }

  /** The names ffmpeg may list a decoder of this encoding under. */
  static List<String> decoderNames(AudioEncoding encoding) {
    return switch (encoding) {
      case G722 -> List.of("g722", "adpcm_g722");
      case G729 -> List.of("g729");
      case GSM -> List.of("gsm", "libgsm");
      case ILBC -> List.of("ilbc", "libilbc");
      case OPUS -> List.of("opus", "libopus");
      default -> List.of();
    };
  }

  @Override
  public void close() throws IOException {
    if (ogg != null) {
      ogg.close();
    }
    out.close();
  }
}
