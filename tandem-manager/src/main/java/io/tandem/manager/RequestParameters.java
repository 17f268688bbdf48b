package io.tandem.manager;

import io.javalin.http.Context;
import io.tandem.call.Inum;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Parses the query and path parameters of the API; each failure names the parameter and the expected form. */
final class RequestParameters {
  static final int MAX_LIMIT = 100_000;
  static final int DEFAULT_LIMIT = 1000;

  private RequestParameters() {}

  static Instant instant(Context ctx, String name, Instant fallback) {
    String value = ctx.queryParam(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new BadRequestException("'" + name + "' must be an ISO-8601 instant such as 2026-11-26T14:30:00Z, got '"
          + value + "'");
    }
  }

  static int limit(Context ctx) {
    String value = ctx.queryParam("limit");
    if (value == null || value.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // Falls through to the one error below.
    }
    throw new BadRequestException("'limit' must be a whole number from 1 to " + MAX_LIMIT + ", got '" + value + "'");
  }

  static long id(Context ctx) {
    return id(ctx, "interaction id");
  }

  /** The {@code id} path parameter; {@code what} names it in the error, such as "notification target id". */
  static long id(Context ctx, String what) {
    String value = ctx.pathParam("id");
    try {
      long id = Long.parseLong(value);
      if (id >= 1) {
        return id;
      }
    } catch (NumberFormatException e) {
      // Falls through to the one error below.
    }
    throw new BadRequestException(what + " must be a positive whole number, got '" + value + "'");
  }

  /** The {@code inum} path parameter: a copy's 15-digit INUM. */
  static Inum inum(Context ctx) {
    String value = ctx.pathParam("inum");
    try {
      return Inum.parse(value);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("copy INUM must be 15 digits with a non-zero serial, got '" + value + "'");
    }
  }

  /** A whole-number query parameter from {@code min} to {@code max}, {@code fallback} when absent. */
  static int wholeNumber(Context ctx, String name, int fallback, int min, int max) {
    String value = ctx.queryParam(name);
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      int number = Integer.parseInt(value);
      if (number >= min && number <= max) {
        return number;
      }
    } catch (NumberFormatException e) {
      // Falls through to the one error below.
    }
    throw new BadRequestException("'" + name + "' must be a whole number from " + min + " to " + max + ", got '" + value
        + "'");
  }
}
