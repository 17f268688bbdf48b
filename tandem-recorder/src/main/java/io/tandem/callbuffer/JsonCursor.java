package io.tandem.callbuffer;

/**
 * Walks one JSON text for {@link CallMetadataReader}: punctuation, strings and int numbers, with the
 * whitespace between them. A method that meets anything else answers false or null and leaves the rest
 * of the text unread; the caller then gives the text to the object mapper. Not thread-safe: one text,
 * one thread.
 */
final class JsonCursor {
  private static final int MAX_INT_DIGITS = 10;

  private final String text;
  private int at;

  JsonCursor(String text) {
    this.text = text;
  }

  /** Whether the next token is {@code c}, which it then steps over. */
  boolean skip(char c) {
    skipWhitespace();
    if (at < text.length() && text.charAt(at) == c) {
      at++;
      return true;
    }
    return false;
  }

  /** Whether the next token starts with {@code c}, without stepping over it. */
  boolean startsWith(char c) {
    skipWhitespace();
    return at < text.length() && text.charAt(at) == c;
  }

  boolean atEnd() {
    skipWhitespace();
    return at == text.length();
  }

  /** The next string, unescaped; null when the next token is no well-formed string. */
  String string() {
    if (!skip('"')) {
      return null;
    }
    int start = at;
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c == '"') {
        return text.substring(start, at++);
      }
      if (c == '\\') {
        return escapedString(start);
      }
      if (c < 0x20) {
        return null;
      }
      at++;
    }
    return null;
  }

  /** The next number when it is an int written without fraction or exponent; null otherwise. */
  Integer integer() {
    skipWhitespace();
    boolean negative = at < text.length() && text.charAt(at) == '-';
    int start = negative ? at + 1 : at;
    int end = start;
    while (end < text.length() && text.charAt(end) >= '0' && text.charAt(end) <= '9') {
      end++;
    }
    int digits = end - start;
    boolean leadingZero = digits > 1 && text.charAt(start) == '0';
    boolean more = end < text.length() && ".eE".indexOf(text.charAt(end)) >= 0;
    if (digits == 0 || digits > MAX_INT_DIGITS || leadingZero || more) {
      return null;
    }
    long value = Long.parseLong(text, start, end, 10);
    value = negative ? -value : value;
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      return null;
    }
    at = end;
    return (int) value;
  }

  private String escapedString(int start) {
    StringBuilder value = new StringBuilder(text.length() - start).append(text, start, at);
    while (at < text.length()) {
      char c = text.charAt(at++);
      if (c == '"') {
        return value.toString();
      }
      if (c < 0x20) {
        return null;
      }
      if (c != '\\') {
        value.append(c);
      } else if (!unescape(value)) {
        return null;
      }
    }
    return null;
  }

  /** Appends the character of the escape sequence after a backslash; false when it is none. */
  private boolean unescape(StringBuilder value) {
    if (at >= text.length()) {
      return false;
    }
    char c = text.charAt(at++);
    switch (c) {
      case '"', '\\', '/' -> value.append(c);
      case 'b' -> value.append('\b');
      case 'f' -> value.append('\f');
      case 'n' -> value.append('\n');
      case 'r' -> value.append('\r');
      case 't' -> value.append('\t');
      case 'u' -> {
        if (at + 4 > text.length()) {
          return false;
        }
        int code = 0;
        for (int end = at + 4; at < end; at++) {
          int digit = Character.digit(text.charAt(at), 16);
          if (digit < 0) {
            return false;
          }
          code = code * 16 + digit;
        }
        value.append((char) code);
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  private void skipWhitespace() {
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      at++;
    }
  }
}
