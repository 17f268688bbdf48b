package io.tandem.capture.rtp;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The handle of one call's media capture, returned by {@link MediaCapture#open}: the UDP ports its
 * streams listen on (in the order of the stream specs) and its WAV file. Immutable and thread-safe;
 * the capture state behind it belongs to a capture thread.
 */
public final class CallMedia {
  private final List<Integer> ports;
  private final Path wavPath;
  private final int channels;
  final CallRecording recording;
  final CaptureLoop loop;
  final AtomicBoolean closing = new AtomicBoolean();

  CallMedia(List<Integer> ports, Path wavPath, int channels, CallRecording recording, CaptureLoop loop) {
    this.ports = List.copyOf(ports);
    this.wavPath = wavPath;
    this.channels = channels;
    this.recording = recording;
    this.loop = loop;
  }

  /** The local RTP port of each stream, in the order the streams were given. */
  public List<Integer> ports() {
    return ports;
  }

  /** The absolute path of the WAV file. */
  public Path wavPath() {
    return wavPath;
  }

  public int channels() {
    return channels;
  }

  @Override
  public String toString() {
    return "CallMedia" + ports + " -> " + wavPath;
  }
}
