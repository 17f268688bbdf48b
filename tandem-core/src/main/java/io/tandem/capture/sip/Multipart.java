package io.tandem.capture.sip;

import io.tandem.capture.Quirks;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads and writes MIME multipart bodies (RFC 2046) as SIP capture sources send them. Reading is lenient
 * where the body still says what its parts are, and names each thing it tolerated as a quirk: transport
 * padding after a delimiter, a quoted boundary with trailing spaces, a missing closing delimiter, delimiters
 * other than the Content-Type's boundary, a part whose headers are not closed by an empty line. Every part is
 * kept, known or not, in body order. Written here rather than taken from a MIME library because each tolerance
 * must be named: a library either takes such bodies silently (transport padding is even lawful) or refuses them.
 * Stateless and thread-safe.
 */
public final class Multipart {
  /** The parts of a multipart body, and the quirks met reading it. */
  public record Body(List<BodyPart> parts, List<String> quirks) {
    public Body {
      parts = List.copyOf(parts);
      quirks = List.copyOf(quirks);
    }
  }

  private static final int MAX_BOUNDARY = 70;

  private Multipart() {}

  /** The bare media type in lower case, without parameters. */
  public static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
  }

  /** The parts of a multipart body, read as {@link #read} does, without its quirks. */
  public static List<BodyPart> parse(String contentTypeHeader, byte[] body) throws SipParseException {
    return read(contentTypeHeader, body).parts();
  }

  /**
   * Reads a multipart body. Fails only when the Content-Type is not multipart or no delimiter line can be
   * found at all, neither with the boundary it names nor as the body's first line starting with {@code --}.
   */
  public static Body read(String contentTypeHeader, byte[] body) throws SipParseException {
    if (!mediaType(contentTypeHeader).startsWith("multipart/")) {
      throw new SipParseException("expected a multipart Content-Type, got '" + contentTypeHeader + "'");
    }
    Set<String> quirks = new LinkedHashSet<>();
    String boundary = SipHeaders.parameter(contentTypeHeader, "boundary");
    if (boundary != null && !boundary.equals(boundary.stripTrailing())) {
      quirks.add(Quirks.MIME_PADDED_BOUNDARY);
      boundary = boundary.stripTrailing();
    }
    List<Line> lines = Line.split(body);
    if (boundary == null || boundary.isEmpty() || boundary.length() > MAX_BOUNDARY
        || !anyDelimiter(body, lines, delimiterOf(boundary))) {
      String named = boundary;
      boundary = guessBoundary(body, lines);
      if (boundary == null) {
        throw new SipParseException("expected a boundary parameter of 1 to " + MAX_BOUNDARY + " characters in '"
            + contentTypeHeader + "' whose delimiter lines ('--" + (named == null ? "<boundary>" : named)
            + "') are in the multipart body");
      }
      quirks.add(Quirks.MIME_BOUNDARY_MISMATCH);
    }
    return new Body(parts(body, lines, delimiterOf(boundary), quirks), List.copyOf(quirks));
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

  private static boolean anyDelimiter(byte[] body, List<Line> lines, byte[] delimiter) {
    return lines.stream().anyMatch(line -> line.delimiter(body, delimiter) != Line.Kind.TEXT);
  }

  private static byte[] delimiterOf(String boundary) {
    return ("--" + boundary).getBytes(StandardCharsets.UTF_8);
  }

  /** The boundary of the body's first line that starts with {@code --}, without padding or a closing dash pair. */
  private static String guessBoundary(byte[] body, List<Line> lines) {
    for (Line line : lines) {
      String text = line.text(body).stripTrailing();
      if (text.startsWith("--") && text.length() > 2) {
        String boundary = text.substring(2);
        boundary = boundary.endsWith("--") && boundary.length() > 2 ? boundary.substring(0, boundary.length() - 2)
            : boundary;
        return boundary.length() <= MAX_BOUNDARY ? boundary : null;
      }
    }
    return null;
  }

  private static List<BodyPart> parts(byte[] body, List<Line> lines, byte[] delimiter, Set<String> quirks) {
    List<BodyPart> parts = new ArrayList<>();
    int partStart = -1;
    for (int i = 0; i < lines.size(); i++) {
      Line line = lines.get(i);
      Line.Kind kind = line.delimiter(body, delimiter);
      if (kind == Line.Kind.TEXT) {
        continue;
      }
      if (line.padded(body, delimiter, kind)) {
        quirks.add(Quirks.MIME_PADDED_BOUNDARY);
      }
      if (partStart >= 0) {
        // The line end before a delimiter belongs to the delimiter (RFC 2046 5.1.1).
        parts.add(BodyParts.read(body, partStart, Math.max(partStart, lines.get(i - 1).contentEnd()), quirks));
      }
      if (kind == Line.Kind.CLOSE) {
        return parts;
      }
      partStart = line.next();
    }
    if (partStart >= 0 && partStart < body.length) {
      parts.add(BodyParts.read(body, partStart, body.length, quirks));
    }
    quirks.add(Quirks.MIME_NO_CLOSING_DELIMITER);
    return parts;
  }

  /**
   * One line of a body: where it starts, where its text ends (before CR LF or LF) and where the next line
   * starts.
   */
  record Line(int start, int end, int next) {
    enum Kind { TEXT, OPEN, CLOSE }

    static List<Line> split(byte[] body) {
      List<Line> lines = new ArrayList<>();
      int start = 0;
      while (start < body.length) {
        int lf = start;
        while (lf < body.length && body[lf] != '\n') {
          lf++;
        }
        int end = lf > start && body[lf - 1] == '\r' ? lf - 1 : lf;
        lines.add(new Line(start, end, Math.min(lf + 1, body.length)));
        start = lf + 1;
      }
      return lines;
    }

    /** Where the content before this line's end ends: the end of this line's text, without its line end. */
    int contentEnd() {
      return end;
    }

    String text(byte[] body) {
      return new String(body, start, end - start, StandardCharsets.UTF_8);
    }

    /**
     * Whether this line is a delimiter: {@code --boundary} or {@code --boundary--} (white space allowed before
     * the closing dashes), then only white space.
     */
    Kind delimiter(byte[] body, byte[] delimiter) {
      if (end - start < delimiter.length) {
        return Kind.TEXT;
      }
      for (int i = 0; i < delimiter.length; i++) {
        if (body[start + i] != delimiter[i]) {
          return Kind.TEXT;
        }
      }
      int rest = start + delimiter.length;
      int dashes = rest;
      while (dashes < end && (body[dashes] == ' ' || body[dashes] == '\t')) {
        dashes++;
      }
      Kind kind = Kind.OPEN;
      // A boundary written with trailing spaces keeps them before its closing dashes too.
      if (dashes + 2 <= end && body[dashes] == '-' && body[dashes + 1] == '-') {
        kind = Kind.CLOSE;
        rest = dashes + 2;
      }
      return whiteFrom(body, rest) ? kind : Kind.TEXT;
    }

    boolean padded(byte[] body, byte[] delimiter, Kind kind) {
      return end > start + delimiter.length + (kind == Kind.CLOSE ? 2 : 0);
    }

    private boolean whiteFrom(byte[] body, int from) {
      for (int i = from; i < end; i++) {
        if (body[i] != ' ' && body[i] != '\t') {
          return false;
        }
      }
      return true;
    }
  }
}
