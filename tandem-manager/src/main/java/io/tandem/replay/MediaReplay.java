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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Serves an interaction's media as {@code audio/wav}, honouring a single HTTP Range exactly, from the first of its
 * copies that can be read now: each copy from its archive file when it was archived (a sealed one opened with the
 * Manager's media keys, chunk by chunk as it is sent), otherwise, or when that file cannot be read here, by relaying
 * the request to the recorder that holds it. A copy whose recorder is down, unregistered or no longer holds it is
 * passed over for the next; only when none can be read is the answer an error, naming what each copy lacked. Every
 * media answer names the copy it carries in {@value #INUM_HEADER}. Thread-safe.
 */
public final class MediaReplay {
  /** The header naming the INUM of the copy an answer carries. */
  public static final String INUM_HEADER = "X-Tandem-Inum";
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

  /** Answers the request for {@code source}'s media on {@code ctx}, from that copy only. */
  public void serve(Context ctx, MediaSource source) throws IOException {
    serve(ctx, List.of(source));
  }

  /**
   * Answers the request on {@code ctx} from the first of {@code sources} that can be read, in their order: 502 when
   * none can, with what each lacked.
   */
  public void serve(Context ctx, List<MediaSource> sources) throws IOException {
    List<String> missed = new ArrayList<>();
    for (MediaSource source : sources) {
      Optional<String> miss = tryServe(ctx, source);
      if (miss.isEmpty()) {
        if (!missed.isEmpty()) {
          LOG.info("served copy {} after passing over: {}", source.inum(), String.join("; ", missed));
        }
        return;
      }
      missed.add(miss.get());
    }
    ctx.attribute("tandem.answered", Boolean.TRUE);
    ctx.status(502).contentType("application/json").result(Json.write(Map.of(
        "error", "no copy can be read now: " + String.join("; ", missed), "copies", missed)));
  }

  /** Serves {@code source} and returns empty, or returns why it cannot be read, having answered nothing. */
  private Optional<String> tryServe(Context ctx, MediaSource source) throws IOException {
    String archiveMiss = null;
    if (source.archived()) {
      Path file = Path.of(source.archiveLocation());
      if (Files.isRegularFile(file)) {
        try {
          ctx.header(INUM_HEADER, source.inum().toString());
          serveFile(ctx, files, file);
          return Optional.empty();
        } catch (SealedMediaException e) {
          archiveMiss = "its archived file cannot be opened here (" + e.getMessage() + ")";
        }
      } else {
        archiveMiss = "its archived file " + file + " cannot be read here";
      }
    }
    String archiveState = "copy " + source.inum() + ": " + (archiveMiss == null ? "not archived" : archiveMiss);
    if (source.adminUrl() == null) {
      return Optional.of(archiveState + " and recorder " + source.serial() + " is not registered");
    }
    return relayFromRecorder(ctx, source).map(miss -> archiveState + " and " + miss);
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

  /** Relays the request to the copy's recorder and returns empty, or returns why it did not, having answered nothing. */
  private Optional<String> relayFromRecorder(Context ctx, MediaSource source) throws IOException {
    RecorderClient.MediaAnswer answer;
    try {
      answer = clients.of(source.adminUrl()).media(source.inum(), ctx.header("Range"), ANSWER_TIMEOUT);
    } catch (RecorderException e) {
      return Optional.of("recorder " + source.serial() + " at " + source.adminUrl() + " cannot be reached ("
          + e.getMessage() + ")");
    }
    try (answer) {
      // 416 is the recorder's exact answer to a range past the end; anything else but media means it cannot serve.
      if (answer.status() != 200 && answer.status() != 206 && answer.status() != 416) {
        return Optional.of("recorder " + source.serial() + " answered " + answer.status());
      }
      ctx.status(answer.status());
      ctx.header(INUM_HEADER, source.inum().toString());
      ctx.contentType(answer.header("Content-Type").orElse(WAV));
      ctx.header("Accept-Ranges", "bytes");
      answer.header("Content-Range").ifPresent(value -> ctx.header("Content-Range", value));
      answer.header("Content-Length").ifPresent(value -> ctx.header("Content-Length", value));
      OutputStream out = ctx.outputStream();
      answer.body().transferTo(out);
      return Optional.empty();
    }
  }

  private static void answerError(Context ctx, int status, String message) {
    ctx.attribute("tandem.answered", Boolean.TRUE);
    ctx.status(status).contentType("application/json").result(Json.write(Map.of("error", message)));
  }
}
