package io.tandem.capture.sip;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One part of a multipart body: its Content-Type, its other headers (case-insensitive names,
 * Content-Type not repeated among them) and its content. Immutable.
 */
public record BodyPart(String contentType, Map<String, String> headers, byte[] content) {
  public BodyPart {
    Objects.requireNonNull(contentType, "contentType");
    TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    copy.putAll(headers);
    copy.remove(SipHeaders.CONTENT_TYPE);
    headers = Collections.unmodifiableMap(copy);
    content = content.clone();
  }

  public BodyPart(String contentType, byte[] content) {
    this(contentType, Map.of(), content);
  }

  /** The bare media type in lower case, without parameters: {@code application/sdp}. */
  public String mediaType() {
    return Multipart.mediaType(contentType);
  }

  @Override
  public byte[] content() {
    return content.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof BodyPart that && contentType.equals(that.contentType) && headers.equals(that.headers)
        && Arrays.equals(content, that.content);
  }

  @Override
  public int hashCode() {
    return Objects.hash(contentType, headers, Arrays.hashCode(content));
  }

  @Override
  public String toString() {
    return "BodyPart[" + contentType + ", " + headers + ", " + content.length + " bytes]";
  }
}
