package io.tandem.callbuffer;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One recording metadata body a call's session received (the INVITE's, or an update's), kept exactly as it
 * came: its place among the call's bodies (1 for the first; 0 for one not yet kept), when it came, its
 * Content-Type and its bytes. Immutable.
 */
public record MetadataBody(int seq, Instant received, String contentType, byte[] body) {
  public MetadataBody {
    if (seq < 0) {
      throw new IllegalArgumentException("seq must be >= 0, got " + seq);
    }
    Objects.requireNonNull(received, "received");
    contentType = contentType == null ? "" : contentType;
    body = body.clone();
  }

  /** A body just received, to be kept with its call. */
  public static MetadataBody received(Instant received, String contentType, byte[] body) {
    return new MetadataBody(0, received, contentType, body);
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body as text (UTF-8; bytes that are not are replaced). */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof MetadataBody that && seq == that.seq && received.equals(that.received)
        && contentType.equals(that.contentType) && Arrays.equals(body, that.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(seq, received, contentType, Arrays.hashCode(body));
  }

  @Override
  public String toString() {
    return "MetadataBody[" + seq + ", " + received + ", " + contentType + ", " + body.length + " bytes]";
  }
}
