package io.tandem.capture.sip;

import java.util.Locale;
import java.util.Map;

/** Header names of SIP: compact forms and canonical spelling. Stateless and thread-safe. */
public final class SipHeaders {
  public static final String CALL_ID = "Call-ID";
  public static final String FROM = "From";
  public static final String TO = "To";
  public static final String VIA = "Via";
  public static final String CONTACT = "Contact";
  public static final String CONTENT_LENGTH = "Content-Length";
  public static final String CONTENT_TYPE = "Content-Type";
  public static final String SUPPORTED = "Supported";
  public static final String SUBJECT = "Subject";
  public static final String CONTENT_ENCODING = "Content-Encoding";
  public static final String CSEQ = "CSeq";
  public static final String REQUIRE = "Require";
  public static final String MAX_FORWARDS = "Max-Forwards";

  private static final Map<String, String> COMPACT = Map.of(
      "i", CALL_ID, "f", FROM, "t", TO, "v", VIA, "m", CONTACT, "l", CONTENT_LENGTH,
      "c", CONTENT_TYPE, "k", SUPPORTED, "s", SUBJECT, "e", CONTENT_ENCODING);

  private static final Map<String, String> CANONICAL = Map.ofEntries(
      Map.entry("call-id", CALL_ID), Map.entry("from", FROM), Map.entry("to", TO), Map.entry("via", VIA),
      Map.entry("contact", CONTACT), Map.entry("content-length", CONTENT_LENGTH),
      Map.entry("content-type", CONTENT_TYPE), Map.entry("supported", SUPPORTED), Map.entry("subject", SUBJECT),
      Map.entry("content-encoding", CONTENT_ENCODING), Map.entry("cseq", CSEQ), Map.entry("require", REQUIRE),
      Map.entry("max-forwards", MAX_FORWARDS));

  private SipHeaders() {}

  /** The full, canonically spelt name for a header name as written (compact forms expanded). */
  public static String canonical(String name) {
    String compact = COMPACT.get(name.toLowerCase(Locale.ROOT));
    if (compact != null) {
      return compact;
    }
    return CANONICAL.getOrDefault(name.toLowerCase(Locale.ROOT), name);
  }

  /** True for an RFC 3261 token: the characters allowed in methods and header names. */
  public static boolean isToken(String text) {
    if (text == null || text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && "-.!%*_+`'~".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The value of a {@code ;name=value} parameter in a header value, or null when absent. */
  public static String parameter(String headerValue, String name) {
    if (headerValue == null) {
      return null;
    }
    int angle = headerValue.lastIndexOf('>');
    String params = angle >= 0 ? headerValue.substring(angle + 1) : headerValue;
    for (String part : splitOutsideQuotes(params, ';')) {
      int eq = part.indexOf('=');
      String key = (eq < 0 ? part : part.substring(0, eq)).strip();
      if (key.equalsIgnoreCase(name)) {
        return eq < 0 ? "" : unquote(part.substring(eq + 1).strip());
      }
    }
    return null;
  }

  /** Splits at each separator that is not inside double quotes. */
  public static java.util.List<String> splitOutsideQuotes(String text, char separator) {
    java.util.List<String> parts = new java.util.ArrayList<>();
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == '\\' && quoted) {
        i++;
      } else if (c == separator && !quoted) {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(text.substring(start));
    return parts;
  }

  static String unquote(String value) {
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }
}
