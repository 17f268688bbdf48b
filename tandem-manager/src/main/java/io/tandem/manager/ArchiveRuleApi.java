package io.tandem.manager;

import io.javalin.http.Context;
import io.tandem.archive.ArchiveRule;
import io.tandem.archive.ArchiveTarget;
import io.tandem.archive.ObjectLock;
import io.tandem.audit.AuditEntry;
import io.tandem.database.CallDatabase;
import io.tandem.json.Json;
import java.util.List;
import java.util.Map;

/**
 * {@code GET, POST /api/archive-rules}, {@code PUT, DELETE /api/archive-rules/{id}}: the archive's rules, which each
 * recorder's Workflow reads again within seconds. A rule is {@code {"name", "target", "recorderSerial"?,
 * "minDurationSeconds"?, "enabled"?}}: calls of that recorder (every recorder when left out or null) lasting at
 * least that long (0) are copied under the folder {@code target}, an absolute path on the recorders' hosts, while
 * the rule is enabled (true); or, with {@code "s3Target"} (and {@code "keyPrefix"}) instead of {@code target}, to
 * that S3 target of the config files, under the object lock its {@code retentionMode}, {@code retentionDays} and
 * {@code legalHold} give (see {@link ArchiveRuleRequest}). Each change is audited. Thread-safe.
 */
final class ArchiveRuleApi {
  static final List<String> FIELDS = ArchiveRuleRequest.FIELDS;

  /**
   * A rule as the API shows it: {@code target} for a folder, or {@code s3Target} and {@code keyPrefix}; the lock's
   * fields null (legal hold false) when it locks nothing.
   */
  record RuleView(long id, String name, String target, String s3Target, String keyPrefix, Integer recorderSerial,
      long minDurationSeconds, boolean enabled, String retentionMode, Integer retentionDays, boolean legalHold) {
    static RuleView of(ArchiveRule rule) {
      String folder = rule.target() instanceof ArchiveTarget.Folder f ? f.folder().toString() : null;
      ArchiveTarget.S3 s3 = rule.target() instanceof ArchiveTarget.S3 b ? b : null;
      ObjectLock lock = rule.lock();
      return new RuleView(rule.id(), rule.name(), folder, s3 == null ? null : s3.name(),
          s3 == null ? null : s3.prefix(), rule.recorderSerial(), rule.minDurationMillis() / 1000, rule.enabled(),
          lock.mode() == null ? null : lock.mode().name(), lock.mode() == null ? null : lock.retentionDays(),
          lock.legalHold());
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
    ArchiveRule added = database.addRule(rule);
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
    ObjectLock lock = rule.lock();
    return Json.write(Map.of("id", rule.id(), "name", rule.name(), "target", rule.target().toString(),
        "recorderSerial", rule.recorderSerial() == null ? "all" : rule.recorderSerial(),
        "minDurationSeconds", rule.minDurationMillis() / 1000, "enabled", rule.enabled(),
        "retention", lock.mode() == null ? "none" : lock.mode() + " " + lock.retentionDays() + " days",
        "legalHold", lock.legalHold()));
  }

  /** The rule a request body describes, with {@code id}; each failure names the field and what was expected. */
  static ArchiveRule parse(long id, String body) {
    return ArchiveRuleRequest.parse(id, body);
  }
}
