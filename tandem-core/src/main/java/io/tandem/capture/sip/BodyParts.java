package io.tandem.capture.sip;

import io.tandem.capture.Quirks;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads one part of a multipart body: its header lines (names in any case, folded lines joined) up to the
 * empty line, then its content. A part that starts with content, or whose headers stop at a line that is
 * not a header, is read as far as its headers go and noted {@code mime-malformed-part}. Stateless.
 */
final class BodyParts {
  private static final String DEFAULT_CONTENT_TYPE = "text/plain";

  private BodyParts() {}

  static BodyPart read(byte[] body, int start, int end, Set<String> quirks) {
    Map<String, String> headers = new LinkedHashMap<>();
    String contentType = DEFAULT_CONTENT_TYPE;
    String pendingName = null;
    StringBuilder pendingValue = new StringBuilder();
    int position = start;
    while (true) {
      if (position >= end) {
        if (position > start) {
          quirks.add(Quirks.MIME_MALFORMED_PART);
        }
        break;
      }
      int lineEnd = lineEnd(body, position, end);
      String line = new String(body, position, lineEnd - position, StandardCharsets.UTF_8);
      int next = Math.min(end, lineEnd + (lineEnd < end && body[lineEnd] == '\r' ? 2 : 1));
      if (line.isEmpty()) {
        position = next;
        break;
      }
      boolean folded = (line.charAt(0) == ' ' || line.charAt(0) == '\t') && pendingName != null;
      int colon = line.indexOf(':');
      if (!folded && (colon <= 0 || !SipHeaders.isToken(line.substring(0, colon).strip()))) {
        // Content without the empty line that should end the headers.
        quirks.add(Quirks.MIME_MALFORMED_PART);
        break;
      }
      if (folded) {
        pendingValue.append(' ').append(line.strip());
      } else {
        contentType = flush(headers, pendingName, pendingValue, contentType);
        pendingName = line.substring(0, colon).strip();
        pendingValue.setLength(0);
        pendingValue.append(line.substring(colon + 1).strip());
      }
      position = next;
    }
    contentType = flush(headers, pendingName, pendingValue, contentType);
    return new BodyPart(contentType, headers, Arrays.copyOfRange(body, Math.min(position, end), end));
  }

  /** Files the header being read; returns the part's Content-Type as it now stands. */
  private static String flush(Map<String, String> headers, String name, StringBuilder value, String contentType) {
    if (name == null) {
      return contentType;
    }
    if (SipHeaders.canonical(name).equals(SipHeaders.CONTENT_TYPE)) {
      return value.toString();
    }
    headers.put(name, value.toString());
    return contentType;
  }

  /** The index of the line's CR LF or LF, or {@code end}. */
  private static int lineEnd(byte[] body, int from, int end) {
    for (int i = from; i < end; i++) {
      if (body[i] == '\n') {
        return i > from && body[i - 1] == '\r' ? i - 1 : i;
      }
    }
    return end;
  }
}
