package io.tandem.manager;

/** A request parameter that is missing or malformed; answered 400 with the message, which names the parameter. */
public final class BadRequestException extends RuntimeException {
  public BadRequestException(String message) {
    super(message);
  }
}
