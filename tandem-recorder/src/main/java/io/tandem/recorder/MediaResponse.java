package io.tandem.recorder;

import io.javalin.http.Context;
import io.tandem.replay.FileAnswer;
import io.tandem.replay.RangeNotSatisfiableException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Serves a WAV file as audio/wav, honouring a single HTTP Range exactly (206 with exactly those bytes). */
final class MediaResponse {
  private MediaResponse() {}

  static void serve(Context ctx, Path wav) throws IOException {
    FileAnswer answer;
    try {
      answer = FileAnswer.of(wav, ctx.header("Range"));
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
