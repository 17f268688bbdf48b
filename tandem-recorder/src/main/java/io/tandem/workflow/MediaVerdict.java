package io.tandem.workflow;

import java.util.Objects;
import java.util.Optional;

/**
 * What the media check found of a finished call's media: sound; none at all on disk (no file, or not even a WAV
 * header: the call is linked as a copy that holds nothing); or unsound, with the reason (it is neither marked nor
 * linked). Immutable.
 */
public record MediaVerdict(Kind kind, String reason) {
  /** The three outcomes of the check. */
  public enum Kind { SOUND, NONE, UNSOUND }

  private static final MediaVerdict SOUND = new MediaVerdict(Kind.SOUND, "");

  public MediaVerdict {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(reason, "reason");
  }

  public static MediaVerdict sound() {
    return SOUND;
  }

  /** No media of the call reached the disk, for the reason given. */
  public static MediaVerdict none(String reason) {
    return new MediaVerdict(Kind.NONE, reason);
  }

  public static MediaVerdict unsound(String reason) {
    return new MediaVerdict(Kind.UNSOUND, reason);
  }

  /** Why the media cannot be consolidated as it is, or empty when it is sound. */
  public Optional<String> problem() {
    return kind == Kind.SOUND ? Optional.empty() : Optional.of(reason);
  }
}
