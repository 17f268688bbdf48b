package io.tandem.capture.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one SIP message from bytes. Any input gives either a {@link SipMessage} or a
 * {@link SipParseException} saying what was expected; nothing else is thrown. Stateless and
 * thread-safe.
 */
public final class SipParser {
  public static final int MAX_MESSAGE_BYTES = 64 * 1024;
  public static final int MAX_HEADERS = 200;
  public static final int MAX_HEADER_LINE = 8 * 1024;

  private static final List<String> REQUEST_MANDATORY = List.of(
      SipHeaders.VIA, SipHeaders.FROM, SipHeaders.TO, SipHeaders.CALL_ID, SipHeaders.CSEQ);
  private static final List<String> RESPONSE_MANDATORY = List.of(SipHeaders.CALL_ID, SipHeaders.CSEQ);

  private SipParser() {}

  public static SipMessage parse(byte[] data) throws SipParseException {
    return parse(data, 0, data.length);
  }

  /** Parses {@code data[offset, offset + length)} as one message; bytes past Content-Length are ignored. */
  public static SipMessage parse(byte[] data, int offset, int length) throws SipParseException {
    if (data == null || offset < 0 || length < 0 || offset > data.length - length) {
      throw new SipParseException("expected a byte range inside the buffer");
    }
    if (length > MAX_MESSAGE_BYTES) {
      throw new SipParseException("expected a message of at most " + MAX_MESSAGE_BYTES + " bytes, got " + length);
    }
    int headEnd = headerEnd(data, offset, length);
    if (headEnd < 0) {
      throw new SipParseException("expected an empty line ending the headers");
    }
    Head head = parseHead(data, offset, headEnd - offset);
    int available = offset + length - headEnd;
    int bodyLength = head.contentLength < 0 ? available : head.contentLength;
    if (bodyLength > available) {
      throw new SipParseException("expected a body of Content-Length " + head.contentLength + " bytes, got "
          + available);
    }
    byte[] body = Arrays.copyOfRange(data, headEnd, headEnd + bodyLength);
    return SipMessage.parsed(head.method, head.uri, head.status, head.reason, head.headers, body);
  }

  /** The index just after the empty line that ends the headers, or -1 when there is none yet. */
  static int headerEnd(byte[] data, int offset, int length) {
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      if (data[i] != '\n') {
        continue;
      }
      if (i + 1 < end && data[i + 1] == '\n') {
        return i + 2;
      }
      if (i + 2 < end && data[i + 1] == '\r' && data[i + 2] == '\n') {
        return i + 3;
      }
    }
    return -1;
  }

  /** The start line and headers of a message, with its declared Content-Length (-1 when absent). */
  record Head(String method, String uri, int status, String reason, List<SipMessage.Header> headers,
      int contentLength) {}

  static Head parseHead(byte[] data, int offset, int length) throws SipParseException {
    String text = new String(data, offset, length, StandardCharsets.UTF_8);
    List<String> lines = unfold(text);
    if (lines.isEmpty()) {
      throw new SipParseException("expected a request line 'METHOD URI SIP/2.0' or a status line");
    }
    String startLine = lines.get(0);
    List<SipMessage.Header> headers = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      headers.add(parseHeader(lines.get(i)));
    }
    Head head = startLine.startsWith("SIP/") ? statusLine(startLine, headers) : requestLine(startLine, headers);
    checkMandatory(head);
    return head;
  }

  private static List<String> unfold(String text) throws SipParseException {
    List<String> lines = new ArrayList<>();
    for (String raw : text.split("\r?\n", -1)) {
      if (raw.length() > MAX_HEADER_LINE) {
        throw new SipParseException("expected header lines of at most " + MAX_HEADER_LINE + " bytes");
      }
      if (raw.isEmpty()) {
        continue;
      }
      boolean continuation = raw.charAt(0) == ' ' || raw.charAt(0) == '\t';
      if (continuation) {
        if (lines.size() < 2) {
          throw new SipParseException("expected a header line before the folded line '" + abbreviate(raw) + "'");
        }
        String joined = lines.remove(lines.size() - 1) + " " + raw.strip();
        if (joined.length() > MAX_HEADER_LINE) {
          throw new SipParseException("expected header lines of at most " + MAX_HEADER_LINE + " bytes");
        }
        lines.add(joined);
      } else {
        lines.add(raw);
      }
      if (lines.size() > MAX_HEADERS + 1) {
        throw new SipParseException("expected at most " + MAX_HEADERS + " headers");
      }
    }
    return lines;
  }

  private static SipMessage.Header parseHeader(String line) throws SipParseException {
    int colon = line.indexOf(':');
    String name = colon < 0 ? "" : line.substring(0, colon).strip();
    if (!SipHeaders.isToken(name)) {
      throw new SipParseException("expected a header line 'Name: value', got '" + abbreviate(line) + "'");
    }
    return new SipMessage.Header(SipHeaders.canonical(name), line.substring(colon + 1).strip());
  }

  private static Head requestLine(String line, List<SipMessage.Header> headers) throws SipParseException {
    String[] parts = line.split(" ", -1);
    if (parts.length != 3 || !SipHeaders.isToken(parts[0]) || parts[1].isEmpty()
        || !parts[2].equals("SIP/2.0")) {
      throw new SipParseException("expected a request line 'METHOD URI SIP/2.0', got '" + abbreviate(line) + "'");
    }
    return new Head(parts[0], parts[1], 0, null, headers, contentLength(headers));
  }

  private static Head statusLine(String line, List<SipMessage.Header> headers) throws SipParseException {
    String[] parts = line.split(" ", 3);
    if (parts.length < 2 || !parts[0].equals("SIP/2.0") || !parts[1].matches("[1-6][0-9][0-9]")) {
      throw new SipParseException("expected a status line 'SIP/2.0 CODE Reason', got '" + abbreviate(line) + "'");
    }
    String reason = parts.length == 3 ? parts[2] : "";
    return new Head(null, null, Integer.parseInt(parts[1]), reason, headers, contentLength(headers));
  }

  private static int contentLength(List<SipMessage.Header> headers) throws SipParseException {
    int found = -1;
    for (SipMessage.Header header : headers) {
      if (!header.name().equals(SipHeaders.CONTENT_LENGTH)) {
        continue;
      }
      String value = header.value();
      if (!value.matches("[0-9]{1,6}") || Integer.parseInt(value) > MAX_MESSAGE_BYTES) {
        throw new SipParseException("expected Content-Length to be a number of bytes up to " + MAX_MESSAGE_BYTES
            + ", got '" + abbreviate(value) + "'");
      }
      int length = Integer.parseInt(value);
      if (found >= 0 && found != length) {
        throw new SipParseException("expected one Content-Length, got " + found + " and " + length);
      }
      found = length;
    }
    return found;
  }

  private static void checkMandatory(Head head) throws SipParseException {
    List<String> mandatory = head.method != null ? REQUEST_MANDATORY : RESPONSE_MANDATORY;
    for (String name : mandatory) {
      if (head.headers.stream().noneMatch(h -> h.name().equals(name) && !h.value().isEmpty())) {
        throw new SipParseException("expected a " + name + " header in the "
            + (head.method != null ? head.method + " request" : head.status + " response"));
      }
    }
    String cseq = head.headers.stream().filter(h -> h.name().equals(SipHeaders.CSEQ)).findFirst().orElseThrow()
        .value();
    CSeq parsed = CSeq.parse(cseq);
    if (head.method != null && !parsed.method().equals(head.method)) {
      throw new SipParseException("expected the CSeq method to be " + head.method + ", got " + parsed.method());
    }
  }

  static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
