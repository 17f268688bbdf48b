package io.tandem.database;

import io.tandem.call.CallRole;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * What to look for among interactions, every criterion optional (null matches all): start in {@code [from, to)},
 * a participant whose name or address of record contains {@code participant} (any case; numbers are matched as
 * they are written in the address), a copy recorded by {@code serial}, a copy in {@code callRole}, a length
 * (end minus start) within {@code [minDuration, maxDuration]}, a best copy that is {@code complete} or not, some
 * copy with quirks or none ({@code withQuirks}). Found interactions are paged newest first (or oldest first), each
 * page continuing after the {@code after} cursor of the one before.
 */
public record InteractionSearch(Instant from, Instant to, String participant, Integer serial, CallRole callRole,
    Duration minDuration, Duration maxDuration, Boolean complete, Boolean withQuirks, boolean newestFirst,
    Cursor after, int limit) {

  public InteractionSearch {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    if (participant != null && participant.isBlank()) {
      participant = null;
    }
  }

  /** Everything, newest first, {@code limit} at a time. */
  public static InteractionSearch all(int limit) {
    return new InteractionSearch(null, null, null, null, null, null, null, null, null, true, null, limit);
  }

  /** The same search for the page after {@code cursor}. */
  public InteractionSearch after(Cursor cursor) {
    return new InteractionSearch(from, to, participant, serial, callRole, minDuration, maxDuration, complete,
        withQuirks, newestFirst, cursor, limit);
  }

  /**
   * A place in the order of a search: the start and id of the last interaction of a page. Its text form is opaque
   * to clients, who hand back what they were given.
   */
  public record Cursor(Instant start, long id) {
    /** The opaque text a client hands back. */
    public String text() {
      return Base64.getUrlEncoder().withoutPadding().encodeToString((start + "/" + id).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads what {@link #text()} wrote.
     *
     * @throws IllegalArgumentException when {@code text} was not written by it
     */
    public static Cursor parse(String text) {
      try {
        String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        int slash = plain.lastIndexOf('/');
        if (slash > 0) {
          return new Cursor(Instant.parse(plain.substring(0, slash)), Long.parseLong(plain.substring(slash + 1)));
        }
      } catch (IllegalArgumentException | DateTimeParseException e) {
        // Falls through to the one error below (NumberFormatException is an IllegalArgumentException).
      }
      throw new IllegalArgumentException("not a cursor of this search: '" + text + "'");
    }
  }
}
