package io.tandem.recorder;

import io.javalin.http.Context;
import io.tandem.replay.ByteRange;
import io.tandem.replay.FileSlice;
import io.tandem.replay.RangeNotSatisfiableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Serves a WAV file as audio/wav, honouring a single HTTP Range exactly (206 with exactly those bytes). */
final class MediaResponse {
  private MediaResponse() {}

  static void serve(Context ctx, Path wav) throws IOException {
    long length = Files.size(wav);
    ctx.header("Accept-Ranges", "bytes");
    ctx.contentType("audio/wav");
    Optional<ByteRange> range;
    try {
      range = ByteRange.parse(ctx.header("Range"), length);
    } catch (RangeNotSatisfiableException e) {
      ctx.status(416).header("Content-Range", "bytes */" + length);
      return;
    }
    if (range.isEmpty()) {
      ctx.header("Content-Length", Long.toString(length));
      FileSlice.copy(wav, 0, length - 1, ctx.outputStream());
      return;
    }
    ByteRange r = range.get();
    ctx.status(206).header("Content-Range", r.contentRange()).header("Content-Length", Long.toString(r.length()));
    FileSlice.copy(wav, r, ctx.outputStream());
  }
}
