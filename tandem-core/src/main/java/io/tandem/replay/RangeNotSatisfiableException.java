package io.tandem.replay;

/** A byte range that starts at or past the end of the resource: answered 416 with {@link #contentRange()}. */
public final class RangeNotSatisfiableException extends Exception {
  private final long resourceLength;

  public RangeNotSatisfiableException(String range, long resourceLength) {
    super("range '" + range + "' cannot be satisfied by a resource of " + resourceLength + " bytes");
    this.resourceLength = resourceLength;
  }

  public long resourceLength() {
    return resourceLength;
  }

  /** The {@code Content-Range} header value of the 416 answer: {@code bytes *}{@code /length}. */
  public String contentRange() {
    return "bytes */" + resourceLength;
  }
}
