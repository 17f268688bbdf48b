package io.tandem.manager;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tandem.database.CallDatabase;
import io.tandem.database.LegalHold;
import java.util.List;
import java.util.Optional;

/**
 * The legal holds of a pair: {@code GET} and {@code POST /api/pairs/{name}/legal-holds} and {@code DELETE
 * /api/pairs/{name}/legal-holds/{id}}, all declared by {@link #declare}. A thin layer over the call database, which
 * stores each hold and audits each change in one transaction; the recorders of the pair read the holds at each
 * retention pass. Thread-safe.
 */
final class LegalHoldApi {
  private final CallDatabase database;

  LegalHoldApi(CallDatabase database) {
    this.database = database;
  }

  /** Declares every legal-hold route; a change of holds is an administrator's act. */
  void declare(RoutesConfig routes) {
    routes.get("/api/pairs/{name}/legal-holds", this::list);
    routes.post("/api/pairs/{name}/legal-holds", this::add);
    routes.delete("/api/pairs/{name}/legal-holds/{id}", this::remove);
  }

  private void list(Context ctx) throws Exception {
    String pair = ctx.pathParam("name");
    if (!pairExists(pair)) {
      JsonAnswers.error(ctx, 404, "no pair " + pair);
      return;
    }
    List<LegalHold> holds = database.legalHolds(pair);
    JsonAnswers.json(ctx, 200, holds);
  }

  private void add(Context ctx) throws Exception {
    String pair = ctx.pathParam("name");
    LegalHoldRequest request = LegalHoldRequest.parse(ctx.body());
    Optional<LegalHold> added = database.addLegalHold(pair, request.from(), request.to(), request.reason(),
        actor(ctx));
    if (added.isPresent()) {
      JsonAnswers.json(ctx, 201, added.get());
    } else {
      JsonAnswers.error(ctx, 404, "no pair " + pair);
    }
  }

  private void remove(Context ctx) throws Exception {
    String pair = ctx.pathParam("name");
    long id = RequestParameters.id(ctx, "legal hold id");
    if (database.removeLegalHold(pair, id, actor(ctx)).isPresent()) {
      ctx.status(204);
    } else {
      JsonAnswers.error(ctx, 404, "no legal hold " + id + " of pair " + pair);
    }
  }

  private boolean pairExists(String pair) throws Exception {
    return database.pairs().stream().anyMatch(view -> view.name().equals(pair));
  }

  /** Who made the change, for the audit trail: the authenticated caller. */
  private static String actor(Context ctx) {
    return AccessApi.principal(ctx).actor();
  }
}
