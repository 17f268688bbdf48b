package io.tandem.manager;

import io.javalin.http.Context;
import io.tandem.call.CallRole;
import io.tandem.call.Serial;
import io.tandem.database.InteractionSearch;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads {@code GET /api/interactions}'s query into a search; each malformed or unknown parameter is one 400 naming
 * it and the form expected.
 */
final class SearchParameters {
  static final Set<String> NAMES = Set.of("from", "to", "participant", "serial", "callRole", "minDuration",
      "maxDuration", "complete", "quirks", "order", "cursor", "limit");

  private SearchParameters() {}

  static InteractionSearch read(Context ctx) {
    return read(ctx, RequestParameters.DEFAULT_LIMIT, RequestParameters.MAX_LIMIT);
  }

  /** The search asked for, {@code limit} from 1 to {@code maxLimit} and {@code defaultLimit} when absent. */
  static InteractionSearch read(Context ctx, int defaultLimit, int maxLimit) {
    Set<String> unknown = new TreeSet<>(ctx.queryParamMap().keySet());
    unknown.removeAll(NAMES);
    unknown.remove(""); // a stray '&', as in "?limit=5&"
    if (!unknown.isEmpty()) {
      throw new BadRequestException("unknown search parameter " + String.join(", ", unknown) + "; expected some of "
          + String.join(", ", new TreeSet<>(NAMES)));
    }
    Duration min = seconds(ctx, "minDuration");
    Duration max = seconds(ctx, "maxDuration");
    if (min != null && max != null && min.compareTo(max) > 0) {
      throw new BadRequestException("'minDuration' must not be above 'maxDuration', got " + min.toSeconds() + " and "
          + max.toSeconds());
    }
    InteractionSearch search = new InteractionSearch(RequestParameters.instant(ctx, "from", null),
        RequestParameters.instant(ctx, "to", null), text(ctx, "participant"), serial(ctx), callRole(ctx), min, max,
        bool(ctx, "complete"), bool(ctx, "quirks"), newestFirst(ctx), null,
        RequestParameters.wholeNumber(ctx, "limit", defaultLimit, 1, maxLimit));
    String cursor = text(ctx, "cursor");
    if (cursor == null) {
      return search;
    }
    try {
      return search.after(InteractionSearch.Cursor.parse(cursor));
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("'cursor' must be the X-Tandem-Next-Cursor of an earlier answer, got '" + cursor
          + "'");
    }
  }

  private static String text(Context ctx, String name) {
    String value = ctx.queryParam(name);
    return value == null || value.isEmpty() ? null : value;
  }

  private static Integer serial(Context ctx) {
    String value = text(ctx, "serial");
    if (value == null) {
      return null;
    }
    try {
      return Serial.parse(value);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("'serial' must be a recorder serial, six digits, got '" + value + "'");
    }
  }

  private static CallRole callRole(Context ctx) {
    String value = text(ctx, "callRole");
    if (value == null) {
      return null;
    }
    try {
      return CallRole.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("'callRole' must be MASTER or SLAVE, got '" + value + "'");
    }
  }

  private static Duration seconds(Context ctx, String name) {
    String value = text(ctx, name);
    if (value == null) {
      return null;
    }
    try {
      long seconds = Long.parseLong(value);
      if (seconds >= 0 && seconds <= 31_536_000) {
        return Duration.ofSeconds(seconds);
      }
    } catch (NumberFormatException e) {
      // Falls through to the one error below.
    }
    throw new BadRequestException("'" + name + "' must be a whole number of seconds from 0 to 31536000, got '" + value
        + "'");
  }

  private static Boolean bool(Context ctx, String name) {
    String value = text(ctx, name);
    if (value == null) {
      return null;
    }
    return switch (value) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> throw new BadRequestException("'" + name + "' must be true or false, got '" + value + "'");
    };
  }

  private static boolean newestFirst(Context ctx) {
    String value = text(ctx, "order");
    if (value == null || value.equals("newest")) {
      return true;
    }
    if (value.equals("oldest")) {
      return false;
    }
    throw new BadRequestException("'order' must be newest or oldest, got '" + value + "'");
  }
}
