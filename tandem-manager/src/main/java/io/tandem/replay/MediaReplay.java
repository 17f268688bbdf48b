package io.tandem.replay;

import io.javalin.http.Context;
import io.tandem.call.Inum;
import io.tandem.database.MediaSource;
import io.tandem.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Serves the best copy of an interaction as {@code audio/wav}, honouring a single HTTP Range exactly:
 * from the archive file when the copy was archived, otherwise by relaying the request to the recorder
 * that holds the copy. Thread-safe.
 */
public final class MediaReplay implements AutoCloseable {
  private static final String WAV = "audio/wav";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

  /** Answers the request for {@code source}'s media on {@code ctx}. */
  public void serve(Context ctx, MediaSource source) throws IOException {
    if (source.archived() && Files.isRegularFile(Path.of(source.archiveLocation()))) {
      serveFile(ctx, Path.of(source.archiveLocation()));
    } else if (source.adminUrl() != null) {
      relayFromRecorder(ctx, source.adminUrl(), source.inum());
    } else {
      answerError(ctx, 502, "copy " + source.inum() + " is not archived and recorder " + source.serial()
          + " is not registered");
    }
  }

  /** Serves a file: 200 whole, 206 with exactly the asked bytes, or 416 when the range lies past its end. */
  public static void serveFile(Context ctx, Path file) throws IOException {
    FileAnswer answer;
    try {
      answer = FileAnswer.of(file, ctx.header("Range"));
    } catch (RangeNotSatisfiableException e) {
      ctx.header("Accept-Ranges", "bytes").header("Content-Range", e.contentRange());
      answerError(ctx, 416, e.getMessage());
      return;
    }
    ctx.status(answer.status()).contentType(WAV);
    answer.headers().forEach(ctx::header);
    answer.writeTo(ctx.outputStream());
  }

  private void relayFromRecorder(Context ctx, String adminUrl, Inum inum) throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(adminUrl + "/api/calls/" + inum + "/media"))
        .timeout(ANSWER_TIMEOUT).GET();
    String range = ctx.header("Range");
    if (range != null) {
      request.header("Range", range);
    }
    HttpResponse<InputStream> answer;
    try {
      answer = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      answerError(ctx, 502, "recorder at " + adminUrl + " holding copy " + inum + " cannot be reached: " + e);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      answerError(ctx, 502, "interrupted while asking the recorder at " + adminUrl + " for copy " + inum);
      return;
    }
    relay(ctx, answer);
  }

  private static void relay(Context ctx, HttpResponse<InputStream> answer) throws IOException {
    ctx.status(answer.statusCode());
    ctx.contentType(answer.headers().firstValue("Content-Type").orElse(WAV));
    ctx.header("Accept-Ranges", "bytes");
    answer.headers().firstValue("Content-Range").ifPresent(value -> ctx.header("Content-Range", value));
    answer.headers().firstValue("Content-Length").ifPresent(value -> ctx.header("Content-Length", value));
    try (InputStream body = answer.body()) {
      OutputStream out = ctx.outputStream();
      body.transferTo(out);
    }
  }

  private static void answerError(Context ctx, int status, String message) {
    ctx.attribute("tandem.answered", Boolean.TRUE);
    ctx.status(status).contentType("application/json").result(Json.write(Map.of("error", message)));
  }

  @Override
  public void close() {
    client.close();
  }
}
