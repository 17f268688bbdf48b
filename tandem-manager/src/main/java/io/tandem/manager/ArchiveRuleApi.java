package io.tandem.manager;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.tandem.archive.ArchiveRule;
import io.tandem.audit.AuditEntry;
import io.tandem.call.Serial;
import io.tandem.database.CallDatabase;
import io.tandem.json.Json;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code GET, POST /api/archive-rules}, {@code PUT, DELETE /api/archive-rules/{id}}: the archive's rules, which each
 * recorder's Workflow reads again within seconds. A rule is {@code {"name", "target", "recorderSerial"?,
 * "minDurationSeconds"?, "enabled"?}}: calls of that recorder (every recorder when left out or null) lasting at
 * least that long (0) are copied under the folder {@code target}, an absolute path on the recorders' hosts, while
 * the rule is enabled (true). Each change is audited. Thread-safe.
 */
final class ArchiveRuleApi {
  static final List<String> FIELDS = List.of("name", "target", "recorderSerial", "minDurationSeconds", "enabled");
  private static final int MAX_NAME = 100;
  private static final long MAX_MIN_DURATION_SECONDS = 86_400;

  /** A rule as the API shows it. */
  record RuleView(long id, String name, String target, Integer recorderSerial, long minDurationSeconds,
      boolean enabled) {
    static RuleView of(ArchiveRule rule) {
      return new RuleView(rule.id(), rule.name(), rule.target().toString(), rule.recorderSerial(),
          rule.minDurationMillis() / 1000, rule.enabled());
    }
  }

  private final CallDatabase database;

  ArchiveRuleApi(CallDatabase database) {
    this.database = database;
  }

  void list(Context ctx) throws Exception {
    JsonAnswers.json(ctx, 200, database.rules().stream().map(RuleView::of).toList());
  }

  void add(Context ctx) throws Exception {
    ArchiveRule rule = parse(0, ctx.body());
    if (nameTaken(rule)) {
      JsonAnswers.error(ctx, 409, "an archive rule named '" + rule.name() + "' exists already");
      return;
    }
    // Audited first: a rule never changes without its row.
    database.audit(new AuditEntry(actor(ctx), "archive-rule-add", "rule " + rule.name(), describe(rule), "requested"));
    ArchiveRule added = database.addRule(rule.name(), rule.recorderSerial(), rule.minDurationMillis(), rule.target(),
        rule.enabled());
    JsonAnswers.json(ctx, 201, RuleView.of(added));
  }

  void update(Context ctx) throws Exception {
    long id = RequestParameters.id(ctx, "archive rule id");
    ArchiveRule rule = parse(id, ctx.body());
    if (nameTaken(rule)) {
      JsonAnswers.error(ctx, 409, "another archive rule is named '" + rule.name() + "'");
      return;
    }
    database.audit(new AuditEntry(actor(ctx), "archive-rule-change", "rule " + id, describe(rule), "requested"));
    if (!database.updateRule(rule)) {
      JsonAnswers.error(ctx, 404, "no archive rule " + id);
      return;
    }
    JsonAnswers.json(ctx, 200, RuleView.of(rule));
  }

  void remove(Context ctx) throws Exception {
    long id = RequestParameters.id(ctx, "archive rule id");
    database.audit(new AuditEntry(actor(ctx), "archive-rule-remove", "rule " + id, "", "requested"));
    if (!database.removeRule(id)) {
      JsonAnswers.error(ctx, 404, "no archive rule " + id);
      return;
    }
    ctx.status(204);
  }

  private boolean nameTaken(ArchiveRule rule) throws Exception {
    return database.rules().stream().anyMatch(other -> other.id() != rule.id() && other.name().equals(rule.name()));
  }

  private static String actor(Context ctx) {
    return AccessApi.principal(ctx).actor();
  }

  private static String describe(ArchiveRule rule) {
    return Json.write(Map.of("id", rule.id(), "name", rule.name(), "target", rule.target().toString(),
        "recorderSerial", rule.recorderSerial() == null ? "all" : rule.recorderSerial(),
        "minDurationSeconds", rule.minDurationMillis() / 1000, "enabled", rule.enabled()));
  }

  /** The rule a request body describes, with {@code id}; each failure names the field and what was expected. */
  static ArchiveRule parse(long id, String body) {
    JsonNode json = JsonBodies.object(body, FIELDS);
    String name = JsonBodies.optionalText(json, "name");
    if (name == null || name.isBlank() || name.length() > MAX_NAME) {
      throw new BadRequestException("'name' must be a string of 1 to " + MAX_NAME + " characters, got "
          + json.get("name"));
    }
    return new ArchiveRule(id, name.strip(), serial(json), minDurationSeconds(json) * 1000, target(json),
        enabled(json));
  }

  private static Path target(JsonNode json) {
    String target = JsonBodies.optionalText(json, "target");
    if (target == null || target.isBlank()) {
      throw new BadRequestException("'target' must be the absolute path of the archive folder, got "
          + json.get("target"));
    }
    try {
      Path path = Path.of(target);
      if (path.isAbsolute()) {
        return path.normalize();
      }
    } catch (InvalidPathException e) {
      // Falls through to the one error below.
    }
    throw new BadRequestException("'target' must be an absolute path such as /var/lib/tandem/archive, got '" + target
        + "'");
  }

  private static Integer serial(JsonNode json) {
    JsonNode value = json.get("recorderSerial");
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isIntegralNumber() && value.canConvertToInt() && value.intValue() >= Serial.MIN
        && value.intValue() <= Serial.MAX) {
      return value.intValue();
    }
    throw new BadRequestException("'recorderSerial' must be a recorder serial from " + Serial.MIN + " to " + Serial.MAX
        + ", or null for every recorder, got " + value);
  }

  private static long minDurationSeconds(JsonNode json) {
    JsonNode value = json.get("minDurationSeconds");
    if (value == null || value.isNull()) {
      return 0;
    }
    if (value.isIntegralNumber() && value.canConvertToLong() && value.longValue() >= 0
        && value.longValue() <= MAX_MIN_DURATION_SECONDS) {
      return value.longValue();
    }
    throw new BadRequestException("'minDurationSeconds' must be a whole number from 0 to " + MAX_MIN_DURATION_SECONDS
        + ", got " + value);
  }

  private static boolean enabled(JsonNode json) {
    JsonNode value = json.get("enabled");
    if (value == null || value.isNull()) {
      return true;
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    throw new BadRequestException("'enabled' must be true or false, got " + value);
  }
}
