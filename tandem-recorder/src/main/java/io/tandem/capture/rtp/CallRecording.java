package io.tandem.capture.rtp;

import io.tandem.call.DtmfEvent;
import io.tandem.call.MediaStats;
import io.tandem.media.MediaChannel;
import io.tandem.media.MediaFiles;
import io.tandem.media.WavFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One call's media on its capture thread: the streams' timelines, the WAV file, the payload log of what
 * is kept raw, and how much of the timeline is written. All fields but {@link #progress} and {@link #dtmf}
 * are confined to the capture thread; the files are handed to the finisher only after the capture thread is
 * done with them.
 */
final class CallRecording {
  private static final int FRAMES_PER_MILLI = WavFile.SAMPLE_RATE / 1000;
  private static final int FRAMES_PER_PACKET = 160;

  final Path wav;
  final MediaChannel file;
  final int channels;
  /** The frames received and not yet written, every stream in its channel. */
  final FrameRing ring;
  /** When the first packet of any stream arrived: the call's media starts there. -1 until then. */
  private long originMillis = -1;
  final CompletableFuture<MediaStats> closed = new CompletableFuture<>();
  /** The packets kept raw (audio other than G.711, telephone-event), written with each flush of the WAV. */
  final PayloadLogWriter payloads;
  StreamTimeline[] streams;
  /** The DTMF events of every stream, set when the call stops. */
  volatile List<DtmfEvent> dtmf = List.of();

  private final PcmBlockWriter writer;
  private long writtenFrames;
  /** The frames known to be in the file once a write failed: those written before the failing write. */
  private long keptFrames = -1;
  private long packetsReceived;
  private boolean stopped;
  private IOException failure;
  private volatile MediaStats progress = MediaStats.NONE;

  CallRecording(Path wav, MediaChannel file, int channels, int ringFrames, PcmBlockWriter writer, MediaFiles files) {
    this.wav = wav;
    this.file = file;
    this.channels = channels;
    this.ring = new FrameRing(ringFrames, channels);
    this.writer = writer;
    this.payloads = new PayloadLogWriter(wav, files);
  }

  /** @return false when the call had been stopped already */
  boolean markStopped() {
    boolean first = !stopped;
    stopped = true;
    return first;
  }

  boolean isStopped() {
    return stopped;
  }

  long writtenFrames() {
    return writtenFrames;
  }

  void countReceived() {
    packetsReceived++;
  }

  /**
   * The timeline frame of an arrival at {@code nowMillis}, in whole 20 ms packets. The first arrival of the
   * call is frame 0, so the signalling time before the media starts is not recorded as silence.
   */
  long arrivalPosition(long nowMillis) {
    if (originMillis < 0) {
      originMillis = nowMillis;
    }
    long frames = Math.max(0, nowMillis - originMillis) * FRAMES_PER_MILLI;
    return (frames + FRAMES_PER_PACKET / 2) / FRAMES_PER_PACKET * FRAMES_PER_PACKET;
  }

  /** Writes out early frames when a stream runs so far ahead that the ring would wrap. */
  void makeRoomUpTo(long position) {
    long target = position - ring.frames();
    if (target > writtenFrames) {
      writeUpTo(target);
    }
  }

  /** Writes what is older than the jitter delay, but never past the longest stream's end. */
  void flushDue(long nowMillis, long jitterMillis) {
    if (originMillis < 0) {
      return;
    }
    long due = Math.max(0, nowMillis - jitterMillis - originMillis) * FRAMES_PER_MILLI;
    long target = Math.min(due, endPosition());
    if (target > writtenFrames) {
      writeUpTo(target);
    }
    payloads.flush();
    progress = stats();
  }

  /**
   * Writes every sample received; the WAV then lasts as long as the longest stream. Takes the DTMF events of
   * every stream, in order of their start.
   */
  void flushAll() {
    writeUpTo(endPosition());
    payloads.flush();
    List<DtmfEvent> events = new ArrayList<>();
    for (StreamTimeline stream : streams) {
      stream.events.finish();
      events.addAll(stream.events.events());
    }
    events.sort(Comparator.comparingLong(DtmfEvent::startMillis));
    dtmf = List.copyOf(events);
    progress = stats();
  }

  MediaStats progress() {
    return progress;
  }

  IOException failure() {
    return failure;
  }

  long packetsLost() {
    long lost = 0;
    for (StreamTimeline stream : streams) {
      lost += stream.packetsLost();
    }
    return lost;
  }

  /** The statistics of what is in the file: every frame written, or after a failed write those before it. */
  MediaStats stats() {
    long frames = failure == null ? writtenFrames : keptFrames;
    return statsOf(frames * channels * WavFile.BYTES_PER_SAMPLE);
  }

  /**
   * Settles the statistics on the data bytes that the file really holds, after its writes failed and it was cut
   * to its whole frames; only once the capture thread is done with this call.
   */
  void settle(long dataBytes) {
    progress = statsOf(dataBytes);
  }

  private MediaStats statsOf(long dataBytes) {
    long frames = dataBytes / ((long) channels * WavFile.BYTES_PER_SAMPLE);
    return new MediaStats(packetsReceived, packetsLost(), dataBytes, frames * 1000 / WavFile.SAMPLE_RATE);
  }

  private long endPosition() {
    long end = 0;
    for (StreamTimeline stream : streams) {
      end = Math.max(end, stream.endPosition());
    }
    return end;
  }

  private void writeUpTo(long target) {
    try {
      writer.write(ring, writtenFrames, target, failure == null ? file : null, WavFile.HEADER_BYTES);
    } catch (IOException e) {
      // The disk refused; keep consuming the ring so capture of other calls goes on. Nothing more is written
      // to this call's file, so what it holds stays one unbroken stretch of the call from its start.
      if (failure == null) {
        failure = e;
        keptFrames = writtenFrames;
      }
    }
    writtenFrames = target;
  }
}
