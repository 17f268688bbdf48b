package io.tandem.replay;

import io.javalin.http.Context;
import io.tandem.admin.RecorderClient;
import io.tandem.admin.RecorderClients;
import io.tandem.admin.RecorderException;
import io.tandem.archive.Archive;
import io.tandem.archive.ArchiveUnreachableException;
import io.tandem.archive.FilesystemArchive;
import io.tandem.database.MediaSource;
import io.tandem.json.Json;
import io.tandem.media.MediaChannel;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Serves an interaction's media as {@code audio/wav}, honouring a single HTTP Range exactly, from the first of its
 * copies that can be read now: each copy from the archive when it was archived, read through the archive's own
 * interface (a sealed copy opened with the Manager's media keys, chunk by chunk as it is sent), otherwise, or when the
 * archive cannot be reached from here, by relaying the request to the recorder that holds it. A copy whose recorder is
 * down, unregistered or no longer holds it is passed over for the next; only when none can be read is the answer an
 * error, naming what each copy lacked. Every media answer names the copy it carries in {@value #INUM_HEADER}.
 * Thread-safe.
 */
public final class MediaReplay {
  /** The header naming the INUM of the copy an answer carries. */
  public static final String INUM_HEADER = "X-Tandem-Inum";
  private static final String WAV = "audio/wav";
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MediaReplay.class);

  private final RecorderClients clients;
  private final Archive archive;

  /** Archived copies read as plain files under their own paths. */
  public MediaReplay(RecorderClients clients) {
    this(clients, new FilesystemArchive());
  }

  /** {@code archive} opens archived copies by their location, as this process reaches them. */
  public MediaReplay(RecorderClients clients, Archive archive) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.archive = Objects.requireNonNull(archive, "archive");
  }
  /** Reads whole copies as this replay serves them: from the archive first, else from the copy's recorder. */
  public CopyReader copyReader() {
    return new CopyReader(clients, archive);
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
    String archiveState = "not archived";
    if (source.archived()) {
      Optional<String> archiveMiss = serveArchived(ctx, source);
      if (archiveMiss.isEmpty()) {
        return Optional.empty();
      }
      archiveState = archiveMiss.get();
    }
    String copyState = "copy " + source.inum() + ": " + archiveState;
    if (source.adminUrl() == null) {
      return Optional.of(copyState + " and recorder " + source.serial() + " is not registered");
    }
    return relayFromRecorder(ctx, source).map(miss -> copyState + " and " + miss);
  }

  /**
   * Serves the archived copy: 200 whole, 206 with exactly the asked bytes, or 416 when the range lies past its end;
   * returns empty, or why it cannot be read here, having answered nothing.
   */
  private Optional<String> serveArchived(Context ctx, MediaSource source) throws IOException {
    String location = source.archiveLocation();
    MediaChannel channel;
    try {
      channel = archive.open(location);
    } catch (ArchiveUnreachableException e) {
      return Optional.of("its archived copy cannot be reached from here (" + e.getMessage() + ")");
    } catch (IOException e) {
      // Nothing is answered yet: a copy that cannot be opened here (a key this Manager lacks) falls to the next way.
      return Optional.of("its archived copy cannot be opened here (" + e.getMessage() + ")");
    }
    // One open sizes and sends the answer: a copy in S3 costs no second round of requests.
    try (channel) {
      FileAnswer answer;
      try {
        answer = FileAnswer.ofOpen(channel, location, ctx.header("Range"));
      } catch (RangeNotSatisfiableException e) {
        ctx.header(INUM_HEADER, source.inum().toString());
        ctx.header("Accept-Ranges", "bytes").header("Content-Range", e.contentRange());
        answerError(ctx, 416, e.getMessage());
        return Optional.empty();
      } catch (IOException e) {
        return Optional.of("its archived copy cannot be read here (" + e.getMessage() + ")");
      }
      ctx.header(INUM_HEADER, source.inum().toString());
      ctx.status(answer.status()).contentType(WAV);
      answer.headers().forEach(ctx::header);
      answer.writeTo(ctx.outputStream());
      return Optional.empty();
    }
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
