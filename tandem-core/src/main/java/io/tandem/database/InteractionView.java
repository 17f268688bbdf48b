package io.tandem.database;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tandem.call.Participant;
import java.time.Instant;
import java.util.List;

/**
 * An interaction and its copies. {@code bestInum} is the copy replayed, or null before any copy was
 * marked; {@code participants} is null in lists and filled when one interaction is asked for.
 */
public record InteractionView(long id, String correlationKey, Instant start, Instant end, String bestInum,
    List<CopyView> copies, @JsonInclude(JsonInclude.Include.NON_NULL) List<Participant> participants) {

  public InteractionView {
    copies = List.copyOf(copies);
    participants = participants == null ? null : List.copyOf(participants);
  }
}
