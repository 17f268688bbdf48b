package io.tandem.recorder;

import io.javalin.http.Context;
import io.tandem.media.MediaFiles;
import io.tandem.replay.FileAnswer;
import io.tandem.replay.RangeNotSatisfiableException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Serves a WAV file, plain or sealed, as audio/wav, honouring a single HTTP Range exactly (206 with exactly those
 * bytes of the plain WAV).
 */
final class MediaResponse {
  private MediaResponse() {}

  static void serve(Context ctx, MediaFiles files, Path wav) throws IOException {
    FileAnswer answer;
    try {
      answer = FileAnswer.of(files, wav, ctx.header("Range"));
    } catch (RangeNotSatisfiableException e) {
      ctx.status(416).header("Accept-Ranges", "bytes").header("Content-Range", e.contentRange())
          .json(Map.of("error", e.getMessage()));
      return;
    }
    ctx.status(answer.status()).contentType("audio/wav");
    answer.headers().forEach(ctx::header);
    answer.writeTo(ctx.outputStream());
  }
}
