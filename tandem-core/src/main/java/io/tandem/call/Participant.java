package io.tandem.call;

import java.util.Objects;

/**
 * One party of a recorded conversation, as the recording metadata named it.
 *
 * @param id the participant's identifier in the metadata
 * @param aor its address of record, such as {@code sip:alice@example.com}
 * @param name its display name, or empty
 */
public record Participant(String id, String aor, String name) {
  public Participant {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(aor, "aor");
    name = name == null ? "" : name;
  }
}
