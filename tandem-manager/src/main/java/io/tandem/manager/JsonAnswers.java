package io.tandem.manager;

import io.javalin.http.Context;
import io.tandem.json.Json;
import java.util.Map;

/** Writes JSON answers with the project's one mapping, and marks the request as answered. */
final class JsonAnswers {
  static final String ANSWERED = "tandem.answered";

  private JsonAnswers() {}

  static void json(Context ctx, int status, Object body) {
    ctx.attribute(ANSWERED, Boolean.TRUE);
    ctx.status(status).contentType("application/json").result(Json.write(body));
  }

  static void error(Context ctx, int status, String message) {
    json(ctx, status, Map.of("error", message));
  }

  static boolean answered(Context ctx) {
    return Boolean.TRUE.equals(ctx.attribute(ANSWERED));
  }
}
