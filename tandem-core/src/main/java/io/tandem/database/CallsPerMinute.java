package io.tandem.database;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Copies that started in each minute of a span, per recorder: what a console charts. {@code minutes} holds the
 * start of each minute in epoch seconds, oldest first; each recorder's list holds its counts for those minutes.
 */
public record CallsPerMinute(Instant from, List<Long> minutes, Map<String, List<Long>> recorders) {
  public CallsPerMinute {
    minutes = List.copyOf(minutes);
    recorders = Map.copyOf(recorders);
  }
}
