package io.tandem.archive;

import java.io.IOException;

/** An archived copy this process cannot reach: its folder is not seen here, or no file is where it should be. */
public final class ArchiveUnreachableException extends IOException {
  public ArchiveUnreachableException(String message) {
    super(message);
  }
}
