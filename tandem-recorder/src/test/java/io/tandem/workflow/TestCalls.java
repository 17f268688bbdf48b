package io.tandem.workflow;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.MediaStats;
import io.tandem.callbuffer.CallBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Finished calls with sound WAV files in a call buffer, for the Workflow's tests. */
final class TestCalls {
  static final Instant START = Instant.parse("2026-11-26T10:00:00Z");

  private TestCalls() {}

  /** A COMPLETE call whose WAV holds {@code bytes} of 16-bit mono audio, as long as its statistics say. */
  static CallRecord finishedCall(CallBuffer buffer, Path dataDir, int bytes) throws IOException {
    CallRecord call = buffer.begin("session-" + System.nanoTime(), START, CallRole.MASTER, List.of(), List.of());
    writeWav(dataDir.resolve(call.mediaPath()), bytes);
    return buffer.finish(call.inum(), START.plusMillis(bytes / 16), CallState.COMPLETE,
        new MediaStats(bytes / 160, 0, bytes, bytes / 16));
  }

  /** A 16-bit mono 8 kHz WAV file with {@code dataBytes} of samples that are not all silence. */
  static void writeWav(Path file, int dataBytes) throws IOException {
    ByteBuffer content = ByteBuffer.allocate(44 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    content.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + dataBytes)
        .put("WAVEfmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
        .putInt(8000).putInt(16_000).putShort((short) 2).putShort((short) 16)
        .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
    for (int i = 44; i < content.capacity(); i++) {
      content.put((byte) (i * 31));
    }
    Files.createDirectories(file.getParent());
    Files.write(file, content.array());
  }
}
