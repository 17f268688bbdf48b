package io.tandem.capture.sip;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads and writes MIME multipart bodies (RFC 2046) as SIPREC uses them. Every part is kept, known
 * or not. Stateless and thread-safe.
 */
public final class Multipart {
  private static final String DEFAULT_CONTENT_TYPE = "text/plain";

  private Multipart() {}

  /** The bare media type in lower case, without parameters. */
  public static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
  }

  public static List<BodyPart> parse(String contentTypeHeader, byte[] body) throws SipParseException {
    if (!mediaType(contentTypeHeader).startsWith("multipart/")) {
      throw new SipParseException("expected a multipart Content-Type, got '" + contentTypeHeader + "'");
    }
    String boundary = SipHeaders.parameter(contentTypeHeader, "boundary");
    if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
      throw new SipParseException("expected a boundary parameter of 1 to 70 characters in '" + contentTypeHeader
          + "'");
    }
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.UTF_8);
    int position = firstDelimiter(body, delimiter);
    if (position < 0) {
      throw new SipParseException("expected the boundary '" + boundary + "' in the multipart body");
    }
    List<BodyPart> parts = new ArrayList<>();
    while (true) {
      int afterDelimiter = position + delimiter.length;
      if (startsWith(body, afterDelimiter, "--".getBytes(StandardCharsets.US_ASCII))) {
        return parts;
      }
      int lineEnd = indexOf(body, new byte[] {'\n'}, afterDelimiter);
      if (lineEnd < 0) {
        throw new SipParseException("expected a line end after the boundary '" + boundary + "'");
      }
      int partStart = lineEnd + 1;
      int next = nextDelimiter(body, delimiter, lineEnd);
      if (next < 0) {
        throw new SipParseException("expected the closing boundary '--" + boundary + "--'");
      }
      int contentEnd = next > 0 && body[next - 1] == '\r' ? next - 1 : next;
      parts.add(part(body, partStart, Math.max(partStart, contentEnd)));
      position = next + 1;
    }
  }

  public static byte[] build(String boundary, List<BodyPart> parts) {
    if (boundary == null || !boundary.matches("[0-9A-Za-z'()+_,./:=?-]{1,70}")) {
      throw new IllegalArgumentException("boundary must be 1 to 70 RFC 2046 characters, got '" + boundary + "'");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (BodyPart part : parts) {
      StringBuilder head = new StringBuilder();
      head.append("--").append(boundary).append("\r\n");
      head.append(SipHeaders.CONTENT_TYPE).append(": ").append(part.contentType()).append("\r\n");
      part.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      head.append("\r\n");
      out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
      out.writeBytes(part.content());
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static BodyPart part(byte[] body, int start, int end) throws SipParseException {
    if (start == end || body[start] == '\n' || (body[start] == '\r' && start + 1 < end && body[start + 1] == '\n')) {
      int contentStart = start == end ? start : body[start] == '\n' ? start + 1 : start + 2;
      return new BodyPart(DEFAULT_CONTENT_TYPE, Arrays.copyOfRange(body, contentStart, end));
    }
    int headEnd = SipParser.headerEnd(body, start, end - start);
    if (headEnd < 0) {
      throw new SipParseException("expected an empty line after the headers of a body part");
    }
    String text = new String(body, start, headEnd - start, StandardCharsets.UTF_8);
    Map<String, String> headers = new LinkedHashMap<>();
    String contentType = DEFAULT_CONTENT_TYPE;
    for (String line : text.split("\r?\n")) {
      if (line.isEmpty()) {
        continue;
      }
      int colon = line.indexOf(':');
      String name = colon < 0 ? "" : line.substring(0, colon).strip();
      if (!SipHeaders.isToken(name)) {
        throw new SipParseException("expected a body part header 'Name: value', got '"
            + SipParser.abbreviate(line) + "'");
      }
      String value = line.substring(colon + 1).strip();
      if (SipHeaders.canonical(name).equals(SipHeaders.CONTENT_TYPE)) {
        contentType = value;
      } else {
        headers.put(name, value);
      }
    }
    return new BodyPart(contentType, headers, Arrays.copyOfRange(body, headEnd, end));
  }

  private static int firstDelimiter(byte[] body, byte[] delimiter) {
    if (startsWith(body, 0, delimiter)) {
      return 0;
    }
    int lineFeed = nextDelimiter(body, delimiter, 0);
    return lineFeed < 0 ? -1 : lineFeed + 1;
  }

  /** The index of the line feed just before the next delimiter that starts a line, searching from {@code from}. */
  private static int nextDelimiter(byte[] body, byte[] delimiter, int from) {
    int lf = from;
    while ((lf = indexOf(body, new byte[] {'\n'}, lf)) >= 0) {
      if (startsWith(body, lf + 1, delimiter)) {
        return lf;
      }
      lf++;
    }
    return -1;
  }

  private static boolean startsWith(byte[] body, int at, byte[] prefix) {
    if (at < 0 || at + prefix.length > body.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (body[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] body, byte[] needle, int from) {
    for (int i = Math.max(0, from); i + needle.length <= body.length; i++) {
      if (startsWith(body, i, needle)) {
        return i;
      }
    }
    return -1;
  }
}
