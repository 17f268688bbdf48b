package io.tandem.recorder;

import io.javalin.http.Context;
import io.tandem.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code GET /api/beats?everyMs=N}: the recorder's health answer (as {@code GET /health} gives it) as one line of
 * JSON every N ms, on a response kept open until the caller goes or the recorder stops. The Recorder Manager keeps
 * one open to each recorder, so the end of the connection tells it at once that the process died, and a beat that
 * stops coming that it froze or its link went. Each open stream holds the server thread that answers it.
 * Thread-safe.
 */
final class HealthBeats {
  /** Fewer than 10 ms between beats would be a load, not a check. */
  static final int MIN_EVERY_MS = 10;
  /** More than 10 s between beats would leave the connection idle long enough for a proxy or server to end it. */
  static final int MAX_EVERY_MS = 10_000;

  private final Supplier<Map<String, Object>> health;
  private final CountDownLatch stopping = new CountDownLatch(1);

  HealthBeats(Supplier<Map<String, Object>> health) {
    this.health = health;
  }

  void serve(Context ctx) throws IOException {
    Duration every = every(ctx.queryParam("everyMs"));
    ctx.status(200).contentType("application/x-ndjson");
    ctx.header("Cache-Control", "no-store");
    OutputStream out = ctx.res().getOutputStream();
    try {
      do {
        out.write(Json.MAPPER.writeValueAsBytes(health.get()));
        out.write('\n');
        out.flush();
      } while (!stopping.await(every.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // The caller went: nothing to answer any more.
    }
  }

  /** Ends every open stream, so that stopping the server waits for none. */
  void stop() {
    stopping.countDown();
  }

  static Duration every(String value) {
    if (value == null || value.isEmpty()) {
      throw new RecorderAdmin.BadRequest("'everyMs' is required: the milliseconds between two beats, from "
          + MIN_EVERY_MS + " to " + MAX_EVERY_MS);
    }
    try {
      int millis = Integer.parseInt(value);
      if (millis >= MIN_EVERY_MS && millis <= MAX_EVERY_MS) {
        return Duration.ofMillis(millis);
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw new RecorderAdmin.BadRequest("'everyMs' must be a whole number of milliseconds from " + MIN_EVERY_MS
        + " to " + MAX_EVERY_MS + ", got '" + value + "'");
  }
}
