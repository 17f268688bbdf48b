package io.tandem.call;

/** Recorder serials: six digits, 100000 to 999999, so that every INUM has exactly 15 digits. */
public final class Serial {
  public static final int MIN = 100_000;
  public static final int MAX = 999_999;

  private Serial() {}

  public static int check(int serial) {
    if (serial < MIN || serial > MAX) {
      throw new IllegalArgumentException("serial must be six digits (" + MIN + ".." + MAX + "), got " + serial);
    }
    return serial;
  }

  public static int parse(String text) {
    if (text == null || !text.matches("[0-9]{6}")) {
      throw new IllegalArgumentException("serial must be six digits (" + MIN + ".." + MAX + "), got '" + text + "'");
    }
    return check(Integer.parseInt(text));
  }

  public static String format(int serial) {
    return Integer.toString(check(serial));
  }
}
