package io.tandem.archive;

import java.io.IOException;

/**
 * An archive target cannot take a copy now, for a reason that may pass: it cannot be reached, it refused the upload,
 * what it stored differs from what was sent, or this process has no config for it. The Workflow entry waits and is
 * archived again later; the call is never given up for it.
 */
public final class ArchiveUnavailableException extends IOException {
  public ArchiveUnavailableException(String message) {
    super(message);
  }

  public ArchiveUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
