package io.tandem.capture.sip;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One name-addr or addr-spec of a From, To, Contact, P-Asserted-Identity or Diversion header (RFC 3261 20.10),
 * read as far as it can be: the display name (unquoted, or empty), the URI (with its own parameters), the
 * header parameters after it, and whether it was complete (a closing angle bracket or quote missing makes it
 * incomplete, and what follows the opening bracket is taken as the URI). Immutable.
 */
public record NameAddress(String displayName, String uri, String headerParameters, boolean complete) {
  public NameAddress {
    displayName = displayName == null ? "" : displayName;
    uri = uri == null ? "" : uri;
    headerParameters = headerParameters == null ? "" : headerParameters;
  }

  /** Reads one header value (one entry of a comma-separated list). */
  public static NameAddress parse(String value) {
    String text = value == null ? "" : value.strip();
    String display = "";
    int at = 0;
    if (text.startsWith("\"")) {
      int close = closingQuote(text);
      if (close < 0) {
        return new NameAddress(text.substring(1), "", "", false);
      }
      display = unescape(text.substring(1, close));
      at = close + 1;
    }
    int open = text.indexOf('<', at);
    if (open < 0) {
      // An addr-spec: its parameters are header parameters (RFC 3261 20.10). After a display name it is malformed.
      String spec = text.substring(at).strip();
      int semicolon = spec.indexOf(';');
      return semicolon < 0 ? new NameAddress(display, spec, "", at == 0)
          : new NameAddress(display, spec.substring(0, semicolon).strip(), spec.substring(semicolon), at == 0);
    }
    if (at == 0) {
      display = text.substring(0, open).strip();
    }
    int close = text.indexOf('>', open);
    if (close < 0) {
      return new NameAddress(display, text.substring(open + 1).strip(), "", false);
    }
    return new NameAddress(display, text.substring(open + 1, close).strip(), text.substring(close + 1).strip(), true);
  }

  /** Every entry of a header's values, each comma-separated value split outside quotes and angle brackets. */
  public static List<NameAddress> parseAll(List<String> values) {
    List<NameAddress> entries = new ArrayList<>();
    for (String value : values) {
      for (String entry : splitEntries(value)) {
        if (!entry.isBlank()) {
          entries.add(parse(entry));
        }
      }
    }
    return entries;
  }

  /**
   * The address of record: the URI without its parameters and headers ({@code sip:alice@example.com}), the
   * scheme in lower case.
   */
  public String addressOfRecord() {
    int end = uri.length();
    for (char stop : new char[] {';', '?'}) {
      int index = uri.indexOf(stop);
      if (index >= 0 && index < end) {
        end = index;
      }
    }
    String bare = uri.substring(0, end).strip();
    int colon = bare.indexOf(':');
    return colon <= 0 ? bare : bare.substring(0, colon).toLowerCase(Locale.ROOT) + bare.substring(colon);
  }

  /** The parameters written inside the URI, after its first {@code ;} (empty when none). */
  public String uriParameters() {
    int semicolon = uri.indexOf(';');
    return semicolon < 0 ? "" : uri.substring(semicolon);
  }

  private static int closingQuote(String text) {
    for (int i = 1; i < text.length(); i++) {
      if (text.charAt(i) == '\\') {
        i++;
      } else if (text.charAt(i) == '"') {
        return i;
      }
    }
    return -1;
  }

  private static String unescape(String quoted) {
    return quoted.replaceAll("\\\\(.)", "$1");
  }

  private static List<String> splitEntries(String value) {
    List<String> entries = new ArrayList<>();
    boolean quoted = false;
    boolean bracketed = false;
    int start = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && quoted) {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && c == '<') {
        bracketed = true;
      } else if (!quoted && c == '>') {
        bracketed = false;
      } else if (c == ',' && !quoted && !bracketed) {
        entries.add(value.substring(start, i));
        start = i + 1;
      }
    }
    entries.add(value.substring(start));
    return entries;
  }
}
