package io.tandem.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tandem.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * An open {@code GET /api/beats} of one recorder: a line of JSON, its {@link RecorderHealth}, every beat interval,
 * for as long as the recorder lives and the connection holds. {@link #next} blocks on one thread at a time;
 * {@link #close} may be called from any thread and ends a {@link #next} that waits.
 */
public final class BeatStream implements AutoCloseable {
  private final String base;
  private final InputStream body;
  private final BufferedReader lines;

  BeatStream(String base, InputStream body) {
    this.base = base;
    this.body = body;
    this.lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
  }

  /**
   * The next beat, waiting for it as long as it takes.
   *
   * @throws RecorderException when the connection ended or broke (the recorder stopped, died, or the link went),
   *     or when the recorder sent a line that is not a beat
   */
  public RecorderHealth next() {
    String line;
    try {
      line = lines.readLine();
    } catch (IOException e) {
      throw new RecorderException("the beats of the recorder at " + base + " broke off ("
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", 0, e);
    }
    if (line == null) {
      throw new RecorderException("the recorder at " + base + " ended its beats", 0, null);
    }
    try {
      return Json.MAPPER.readValue(line, RecorderHealth.class);
    } catch (JsonProcessingException e) {
      throw new RecorderException("the recorder at " + base + " sent a beat that cannot be read: "
          + e.getOriginalMessage().lines().findFirst().orElse(""), 0, e);
    }
  }

  @Override
  public void close() {
    try {
      body.close();
    } catch (IOException e) {
      // Closing a stream that already broke off: nothing left to release.
    }
  }
}
