package io.tandem.manager;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.archive.ArchiveRule;
import io.tandem.archive.ArchiveTarget;
import io.tandem.archive.ObjectLock;
import io.tandem.call.Serial;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * The archive rule a request body describes: {@code {"name", "target" | "s3Target" + "keyPrefix"?, "recorderSerial"?,
 * "minDurationSeconds"?, "enabled"?, "retentionMode"? + "retentionDays"?, "legalHold"?}}. A rule names a folder
 * ({@code target}) or an S3 target by its name in the config files; only an S3 target takes an object lock. Each
 * failure names the field and what was expected. Stateless.
 */
final class ArchiveRuleRequest {
  static final List<String> FIELDS = List.of("name", "target", "s3Target", "keyPrefix", "recorderSerial",
      "minDurationSeconds", "enabled", "retentionMode", "retentionDays", "legalHold");
  private static final int MAX_NAME = 100;
  private static final long MAX_MIN_DURATION_SECONDS = 86_400;

  private ArchiveRuleRequest() {}

  /** The rule {@code body} describes, with {@code id}. */
  static ArchiveRule parse(long id, String body) {
    JsonNode json = JsonBodies.object(body, FIELDS);
    String name = JsonBodies.optionalText(json, "name");
    if (name == null || name.isBlank() || name.length() > MAX_NAME) {
      throw new BadRequestException("'name' must be a string of 1 to " + MAX_NAME + " characters, got "
          + json.get("name"));
    }
    ArchiveTarget target = target(json);
    ObjectLock lock = lock(json);
    if (lock.any() && !(target instanceof ArchiveTarget.S3)) {
      throw new BadRequestException("'retentionMode', 'retentionDays' and 'legalHold' lock S3 copies only: name an "
          + "'s3Target', or leave them out for the folder " + target);
    }
    return new ArchiveRule(id, name.strip(), serial(json), minDurationSeconds(json) * 1000, target, lock,
        flag(json, "enabled", true));
  }

  private static ArchiveTarget target(JsonNode json) {
    String folder = JsonBodies.optionalText(json, "target");
    String s3 = JsonBodies.optionalText(json, "s3Target");
    if (s3 != null) {
      if (folder != null) {
        throw new BadRequestException("a rule names either a folder ('target') or an S3 target ('s3Target'), not "
            + "both");
      }
      if (!ArchiveTarget.S3_NAME.matcher(s3).matches()) {
        throw new BadRequestException("'s3Target' must be the name of an S3 target of the config files "
            + "(archive.s3.NAME.*): 1 to 64 letters, digits, '.', '-' or '_', got '" + s3 + "'");
      }
      String prefix = JsonBodies.optionalText(json, "keyPrefix");
      try {
        return new ArchiveTarget.S3(s3, prefix);
      } catch (IllegalArgumentException e) {
        throw new BadRequestException("'keyPrefix': " + e.getMessage());
      }
    }
    if (json.hasNonNull("keyPrefix")) {
      throw new BadRequestException("'keyPrefix' goes with 's3Target'; a folder ('target') takes none");
    }
    return new ArchiveTarget.Folder(folder(folder, json));
  }

  private static Path folder(String target, JsonNode json) {
    if (target == null || target.isBlank()) {
      throw new BadRequestException("'target' must be the absolute path of the archive folder (or 's3Target' the "
          + "name of an S3 target), got " + json.get("target"));
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

  private static ObjectLock lock(JsonNode json) {
    String mode = JsonBodies.optionalText(json, "retentionMode");
    JsonNode days = json.get("retentionDays");
    boolean legalHold = flag(json, "legalHold", false);
    if (mode == null) {
      if (days != null && !days.isNull()) {
        throw new BadRequestException("'retentionDays' goes with 'retentionMode' (GOVERNANCE or COMPLIANCE)");
      }
      return new ObjectLock(null, 0, legalHold);
    }
    ObjectLock.RetentionMode retention;
    try {
      retention = ObjectLock.RetentionMode.valueOf(mode);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("'retentionMode' must be GOVERNANCE or COMPLIANCE, got '" + mode + "'");
    }
    if (days == null || !days.isIntegralNumber() || !days.canConvertToInt() || days.intValue() < 1
        || days.intValue() > ObjectLock.MAX_RETENTION_DAYS) {
      throw new BadRequestException("'retentionDays' must be a whole number of days from 1 to "
          + ObjectLock.MAX_RETENTION_DAYS + " with a 'retentionMode', got " + days);
    }
    return new ObjectLock(retention, days.intValue(), legalHold);
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

  private static boolean flag(JsonNode json, String field, boolean fallback) {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    throw new BadRequestException("'" + field + "' must be true or false, got " + value);
  }
}
