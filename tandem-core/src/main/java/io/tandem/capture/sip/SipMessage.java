package io.tandem.capture.sip;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One SIP request or response: start line, headers in their original order (names canonical, compact
 * forms expanded, looked up case-insensitively) and body. Immutable and thread-safe; build one with
 * {@link #request}, {@link #response} or {@link #responseTo}, or read one with {@link SipParser}.
 */
public final class SipMessage {
  /** One header line; the name is canonical (compact forms expanded). */
  public record Header(String name, String value) {
    public Header {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  private final String method;
  private final String requestUri;
  private final int status;
  private final String reason;
  private final List<Header> headers;
  private final byte[] body;

  private SipMessage(String method, String requestUri, int status, String reason, List<Header> headers, byte[] body) {
    this.method = method;
    this.requestUri = requestUri;
    this.status = status;
    this.reason = reason;
    this.headers = List.copyOf(headers);
    this.body = body.clone();
  }

  public static Builder request(String method, String uri) {
    if (!SipHeaders.isToken(method)) {
      throw new IllegalArgumentException("method must be a SIP token, got '" + method + "'");
    }
    if (uri == null || uri.isBlank() || uri.contains(" ")) {
      throw new IllegalArgumentException("request URI must be non-empty without spaces, got '" + uri + "'");
    }
    return new Builder(method, uri, 0, null);
  }

  public static Builder response(int status, String reason) {
    if (status < 100 || status > 699) {
      throw new IllegalArgumentException("status must be 100..699, got " + status);
    }
    return new Builder(null, null, status, reason == null ? "" : reason);
  }

  /** A response that copies every Via, From, To, Call-ID and CSeq of the request, in order. */
  public static Builder responseTo(SipMessage request, int status, String reason) {
    if (!request.isRequest()) {
      throw new IllegalArgumentException("responseTo needs a request, got a " + request.status() + " response");
    }
    Builder builder = response(status, reason);
    for (Header header : request.headers) {
      switch (header.name()) {
        case SipHeaders.VIA, SipHeaders.FROM, SipHeaders.TO, SipHeaders.CALL_ID, SipHeaders.CSEQ ->
            builder.header(header.name(), header.value());
        default -> { }
      }
    }
    return builder;
  }

  public boolean isRequest() {
    return method != null;
  }

  /** The request's method, or null for a response. */
  public String method() {
    return method;
  }

  /** The request URI, or null for a response. */
  public String requestUri() {
    return requestUri;
  }

  /** The response's status code, or 0 for a request. */
  public int status() {
    return status;
  }

  /** The response's reason phrase, or null for a request. */
  public String reason() {
    return reason;
  }

  public List<Header> headers() {
    return headers;
  }

  /** The first value of a header (any spelling, compact forms too), or null. */
  public String header(String name) {
    String wanted = SipHeaders.canonical(name);
    for (Header header : headers) {
      if (header.name().equalsIgnoreCase(wanted)) {
        return header.value();
      }
    }
    return null;
  }

  /** Every value of a header in message order; a comma-separated value stays one entry. */
  public List<String> headers(String name) {
    String wanted = SipHeaders.canonical(name);
    List<String> values = new ArrayList<>();
    for (Header header : headers) {
      if (header.name().equalsIgnoreCase(wanted)) {
        values.add(header.value());
      }
    }
    return values;
  }

  public byte[] body() {
    return body.clone();
  }

  public String callId() {
    return header(SipHeaders.CALL_ID);
  }

  /** The CSeq header; fails when it is absent or malformed (a parsed request always has a valid one). */
  public CSeq cseq() {
    try {
      return CSeq.parse(header(SipHeaders.CSEQ));
    } catch (SipParseException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** The branch parameter of the first Via, or null. */
  public String topViaBranch() {
    String via = header(SipHeaders.VIA);
    if (via == null) {
      return null;
    }
    return SipHeaders.parameter(SipHeaders.splitOutsideQuotes(via, ',').get(0), "branch");
  }

  public String fromTag() {
    return SipHeaders.parameter(header(SipHeaders.FROM), "tag");
  }

  public String toTag() {
    return SipHeaders.parameter(header(SipHeaders.TO), "tag");
  }

  /** This message with {@code ;tag=} added to its To header, or this message when To already has a tag. */
  public SipMessage withToTag(String tag) {
    if (!SipHeaders.isToken(tag)) {
      throw new IllegalArgumentException("tag must be a SIP token, got '" + tag + "'");
    }
    if (toTag() != null) {
      return this;
    }
    List<Header> changed = new ArrayList<>(headers.size());
    boolean done = false;
    for (Header header : headers) {
      if (!done && header.name().equals(SipHeaders.TO)) {
        changed.add(new Header(SipHeaders.TO, header.value() + ";tag=" + tag));
        done = true;
      } else {
        changed.add(header);
      }
    }
    return new SipMessage(method, requestUri, status, reason, changed, body);
  }

  /** The message as sent on the wire: CRLF line ends, Content-Length computed from the body. */
  public byte[] toBytes() {
    StringBuilder head = new StringBuilder(256 + headers.size() * 40);
    if (isRequest()) {
      head.append(method).append(' ').append(requestUri).append(" SIP/2.0\r\n");
    } else {
      head.append("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
    }
    for (Header header : headers) {
      if (!header.name().equals(SipHeaders.CONTENT_LENGTH)) {
        head.append(header.name()).append(": ").append(header.value()).append("\r\n");
      }
    }
    head.append(SipHeaders.CONTENT_LENGTH).append(": ").append(body.length).append("\r\n\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + body.length);
    out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    out.writeBytes(body);
    return out.toByteArray();
  }

  @Override
  public String toString() {
    return new String(toBytes(), StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SipMessage that && Objects.equals(method, that.method)
        && Objects.equals(requestUri, that.requestUri) && status == that.status && Objects.equals(reason, that.reason)
        && headers.equals(that.headers) && Arrays.equals(body, that.body);
  }

  @Override
  public int hashCode() {
    return Objects.hash(method, requestUri, status, reason, headers, Arrays.hashCode(body));
  }

  static SipMessage parsed(String method, String uri, int status, String reason, List<Header> headers, byte[] body) {
    return new SipMessage(method, uri, status, reason, headers, body);
  }

  /** Collects the parts of a message; not thread-safe. Content-Length is never taken from it. */
  public static final class Builder {
    private final String method;
    private final String uri;
    private final int status;
    private final String reason;
    private final List<Header> headers = new ArrayList<>();
    private byte[] body = new byte[0];

    private Builder(String method, String uri, int status, String reason) {
      this.method = method;
      this.uri = uri;
      this.status = status;
      this.reason = reason;
    }

    /** Appends a header; a compact name is expanded. Line breaks in the value are refused. */
    public Builder header(String name, String value) {
      if (!SipHeaders.isToken(name)) {
        throw new IllegalArgumentException("header name must be a SIP token, got '" + name + "'");
      }
      if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("header " + name + " needs a one-line value, got '" + value + "'");
      }
      String canonical = SipHeaders.canonical(name);
      if (!canonical.equals(SipHeaders.CONTENT_LENGTH)) {
        headers.add(new Header(canonical, value));
      }
      return this;
    }

    /** Sets the body and its Content-Type header (replacing an earlier one). */
    public Builder body(String contentType, byte[] content) {
      headers.removeIf(h -> h.name().equals(SipHeaders.CONTENT_TYPE));
      header(SipHeaders.CONTENT_TYPE, contentType);
      this.body = content.clone();
      return this;
    }

    public SipMessage build() {
      return new SipMessage(method, uri, status, reason, headers, body);
    }
  }
}
