package io.tandem.callbuffer;

/** The recorder's local store could not be read or written; the message names the store file. */
public final class LocalStoreException extends RuntimeException {
  public LocalStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
