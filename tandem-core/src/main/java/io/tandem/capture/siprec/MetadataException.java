package io.tandem.capture.siprec;

/** Recording metadata that is not well-formed XML or lacks what recording needs; the message says what. */
public final class MetadataException extends Exception {
  public MetadataException(String message) {
    super(message);
  }

  public MetadataException(String message, Throwable cause) {
    super(message, cause);
  }
}
