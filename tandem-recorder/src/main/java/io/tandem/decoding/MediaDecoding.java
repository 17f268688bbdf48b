package io.tandem.decoding;

import io.tandem.call.CallRecord;
import io.tandem.call.CallState;
import io.tandem.call.MediaStats;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.capture.rtp.PayloadLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes what a finished call kept raw, where it costs capture nothing: when the call is consolidated
 * (before it is marked and archived) or first replayed. The WAV is replaced first, then the call buffer
 * takes its new statistics, the quirks found ({@code codec-unsupported:<ENCODING>} for a format nobody
 * decodes) and the DTMF events the log holds when the call has none (a call cut off by kill -9), then the
 * payload log is deleted, or kept beside the WAV when some of it stays raw. A crash at any point leaves the
 * log pending and the next decode does the same again, to the same result. Thread-safe: one call is decoded
 * by one thread at a time.
 */
public final class MediaDecoding {
  private static final Logger log = LoggerFactory.getLogger(MediaDecoding.class);
  private static final int LOCKS = 64;

  private final Path dataDir;
  private final CallBuffer buffer;
  private final CallDecoder decoder;
  private final Consumer<String> quirkFound;
  /** Locks, not monitors: a decode waits for ffmpeg, and may run on a virtual thread. */
  private final ReentrantLock[] locks = new ReentrantLock[LOCKS];

  public MediaDecoding(Path dataDir, CallBuffer buffer, CallDecoder decoder) {
    this(dataDir, buffer, decoder, kind -> { });
  }

  /** @param quirkFound told each quirk decoding adds to a call, once per call */
  public MediaDecoding(Path dataDir, CallBuffer buffer, CallDecoder decoder, Consumer<String> quirkFound) {
    this.dataDir = dataDir;
    this.buffer = buffer;
    this.decoder = decoder;
    this.quirkFound = quirkFound;
    for (int i = 0; i < LOCKS; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  /**
   * Decodes the call's payload log when it has one waiting, and returns the call as it is then; a call still
   * recording, or one with nothing waiting, is returned as it is. A decode that fails leaves the media as
   * captured and the log waiting for the next try; the failure is logged.
   */
  public CallRecord decodePending(CallRecord call) {
    if (call.state() == CallState.RECORDING) {
      return call;
    }
    Path wav = dataDir.resolve(call.mediaPath());
    Path pending = PayloadLog.pending(wav);
    if (!Files.exists(pending)) {
      return call;
    }
    ReentrantLock lock = locks[Math.floorMod(Long.hashCode(call.inum().value()), LOCKS)];
    lock.lock();
    try {
      if (!Files.exists(pending)) {
        return buffer.find(call.inum()).orElse(call);
      }
      return decode(call, wav, pending);
    } catch (IOException | RuntimeException e) {
      log.warn("the kept payloads of call {} could not be decoded; its media stays as captured: {}", call.inum(),
          e.toString());
      return call;
    } finally {
      lock.unlock();
    }
  }

  private CallRecord decode(CallRecord call, Path wav, Path pending) throws IOException {
    long started = System.nanoTime();
    DecodeOutcome outcome = decoder.decode(wav, pending);
    MediaStats stats = outcome.rewritten() ? new MediaStats(call.stats().packetsReceived(),
        call.stats().packetsLost(), outcome.dataBytes(), outcome.durationMillis()) : call.stats();
    List<String> quirks = new ArrayList<>(call.quirks());
    quirks.addAll(outcome.quirks());
    CallRecord updated = buffer.decoded(call.inum(), stats, quirks,
        call.dtmf().isEmpty() ? outcome.dtmf() : call.dtmf());
    outcome.quirks().stream().filter(kind -> !call.quirks().contains(kind)).forEach(quirkFound);
    if (outcome.complete()) {
      Files.deleteIfExists(pending);
    } else {
      Files.move(pending, PayloadLog.kept(wav), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
    log.info("call {} decoded in {} ms{}{}", call.inum(), (System.nanoTime() - started) / 1_000_000,
        outcome.rewritten() ? ": " + outcome.sampleRate() + " Hz, " + outcome.durationMillis() + " ms" : "",
        outcome.quirks().isEmpty() ? "" : "; kept raw: " + outcome.quirks());
    return updated;
  }
}
