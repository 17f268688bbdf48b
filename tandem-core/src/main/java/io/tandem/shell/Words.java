package io.tandem.shell;

/** How the parser shows a word it refused: quoted, on one line, and short. Stateless. */
final class Words {
  private static final int MAX_SHOWN = 40;

  private Words() {}

  /** {@code word} in single quotes, with control and line-breaking characters escaped, cut after 40 characters. */
  static String quote(String word) {
    StringBuilder shown = new StringBuilder("'");
    int end = Math.min(word.length(), MAX_SHOWN);
    for (int i = 0; i < end; i++) {
      char c = word.charAt(i);
      int type = Character.getType(c);
      boolean breaksOrHides = Character.isISOControl(c) || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE || type == Character.FORMAT;
      shown.append(breaksOrHides ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return shown.append(word.length() > MAX_SHOWN ? "'..." : "'").toString();
  }

  /** Whether {@code word} is {@code keyword} ignoring ASCII case only, so no look-alike letter passes. */
  static boolean is(String word, String keyword) {
    if (word.length() != keyword.length()) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (lower(word.charAt(i)) != lower(keyword.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }
}
