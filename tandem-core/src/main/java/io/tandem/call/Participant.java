package io.tandem.call;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Objects;

/**
 * One party of a recorded conversation, as the recording metadata named it, and when it was part of
 * the communication session as far as the metadata said.
 *
 * @param id the participant's identifier in the metadata
 * @param aor its address of record, such as {@code sip:alice@example.com}
 * @param name its display name, or empty
 * @param joined when it joined the session, or null when nobody said (it was there from the start)
 * @param left when it left the session, or null while it is still in it (or nobody said)
 */
public record Participant(String id, String aor, String name,
    @JsonInclude(JsonInclude.Include.NON_NULL) Instant joined,
    @JsonInclude(JsonInclude.Include.NON_NULL) Instant left) {
  public Participant {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(aor, "aor");
    name = name == null ? "" : name;
  }

  public Participant(String id, String aor, String name) {
    this(id, aor, name, null, null);
  }

  /** This participant with its times of joining and leaving. */
  public Participant withTimes(Instant joined, Instant left) {
    return new Participant(id, aor, name, joined, left);
  }
}
