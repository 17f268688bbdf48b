package io.tandem.replay;

import io.javalin.http.Context;
import io.tandem.admin.RecorderClient;
import io.tandem.admin.RecorderClients;
import io.tandem.admin.RecorderException;
import io.tandem.call.Inum;
import io.tandem.database.MediaSource;
import io.tandem.json.Json;
import io.tandem.media.MediaFiles;
import io.tandem.media.sealed.SealedMediaException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Serves the best copy of an interaction as {@code audio/wav}, honouring a single HTTP Range exactly:
 * from the archive file when the copy was archived (a sealed one opened with the Manager's media keys, chunk by
 * chunk as it is sent), otherwise, or when those keys cannot open it, by relaying the request to the recorder
 * that holds the copy. Thread-safe.
 */
public final class MediaReplay {
  private static final String WAV = "audio/wav";
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MediaReplay.class);

  private final RecorderClients clients;
  private final MediaFiles files;

  public MediaReplay(RecorderClients clients) {
    this(clients, MediaFiles.plain());
  }

  /** {@code files} opens archived copies, sealed ones with its keys. */
  public MediaReplay(RecorderClients clients, MediaFiles files) {
    this.clients = clients;
    this.files = files;
  }

  /** Answers the request for {@code source}'s media on {@code ctx}. */
  public void serve(Context ctx, MediaSource source) throws IOException {
    if (source.archived() && Files.isRegularFile(Path.of(source.archiveLocation()))) {
      try {
        serveFile(ctx, files, Path.of(source.archiveLocation()));
        return;
      } catch (SealedMediaException e) {
        if (source.adminUrl() == null) {
          answerError(ctx, 503, "archived copy " + source.inum() + " cannot be opened here and recorder "
              + source.serial() + " is not registered: " + e.getMessage());
          return;
        }
        LOG.warn("archived copy {} cannot be opened here, relaying to its recorder: {}", source.inum(),
            e.getMessage());
      }
    }
    if (source.adminUrl() != null) {
      relayFromRecorder(ctx, source.adminUrl(), source.inum());
    } else {
      answerError(ctx, 502, "copy " + source.inum() + " is not archived and recorder " + source.serial()
          + " is not registered");
    }
  }

  /** Serves a plain file: 200 whole, 206 with exactly the asked bytes, or 416 when the range lies past its end. */
  public static void serveFile(Context ctx, Path file) throws IOException {
    serveFile(ctx, MediaFiles.plain(), file);
  }

  /**
   * Serves a file, plain or sealed as {@code files} opens it, as {@link #serveFile(Context, Path)} does.
   *
   * @throws SealedMediaException before anything is answered, when it is sealed under a key {@code files} lacks
   */
  public static void serveFile(Context ctx, MediaFiles files, Path file) throws IOException {
    FileAnswer answer;
    try {
      answer = FileAnswer.of(files, file, ctx.header("Range"));
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
    RecorderClient.MediaAnswer answer;
    try {
      answer = clients.of(adminUrl).media(inum, ctx.header("Range"), ANSWER_TIMEOUT);
    } catch (RecorderException e) {
      answerError(ctx, 502, "recorder at " + adminUrl + " holding copy " + inum + " cannot be reached: "
          + e.getMessage());
      return;
    }
    try (answer) {
      ctx.status(answer.status());
      ctx.contentType(answer.header("Content-Type").orElse(WAV));
      ctx.header("Accept-Ranges", "bytes");
      answer.header("Content-Range").ifPresent(value -> ctx.header("Content-Range", value));
      answer.header("Content-Length").ifPresent(value -> ctx.header("Content-Length", value));
      OutputStream out = ctx.outputStream();
      answer.body().transferTo(out);
    }
  }

  private static void answerError(Context ctx, int status, String message) {
    ctx.attribute("tandem.answered", Boolean.TRUE);
    ctx.status(status).contentType("application/json").result(Json.write(Map.of("error", message)));
  }
}
