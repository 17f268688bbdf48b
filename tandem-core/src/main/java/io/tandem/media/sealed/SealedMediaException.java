package io.tandem.media.sealed;

import java.io.IOException;

/**
 * A sealed media file that cannot be opened or read as it is: sealed under a master key this process does not
 * hold, a file key that does not unwrap, or a chunk that does not authenticate (the file was altered). Nothing
 * was changed on disk when it is thrown.
 */
public final class SealedMediaException extends IOException {
  public SealedMediaException(String message) {
    super(message);
  }

  public SealedMediaException(String message, Throwable cause) {
    super(message, cause);
  }
}
