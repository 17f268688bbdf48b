package io.tandem.shell;

import java.time.LocalDateTime;
import java.time.Month;
import java.time.YearMonth;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * The StartTime and EndTime notation of Rebuild: {@code YYYYMMDDhhmmss} with an optional {@code .}
 * and one to four fraction digits, a local time in the recorder's zone. Stateless.
 */
public final class CommandTime {
  /** The notation as help and error messages show it. */
  public static final String FORMAT = "YYYYMMDDhhmmss[.ffff]";
  /** The finest step the notation can say: 1/10000 s. */
  static final int NANOS_PER_STEP = 100_000;

  private CommandTime() {}

  /** The time {@code text} names; a {@link ShellSyntaxException} naming {@code argument} and the reason otherwise. */
  static LocalDateTime parse(String text, String argument) {
    int dot = text.indexOf('.');
    String whole = dot < 0 ? text : text.substring(0, dot);
    String fraction = dot < 0 ? "" : text.substring(dot + 1);
    if (!digitsOnly(whole) || !digitsOnly(fraction)) {
      throw refused(argument, text, "digits only, with one '.' before the fraction");
    }
    if (whole.length() != 14) {
      throw refused(argument, text, "14 digits before the fraction, got " + whole.length());
    }
    if (dot >= 0 && fraction.isEmpty()) {
      throw refused(argument, text, "one to four fraction digits after '.'");
    }
    if (fraction.length() > 4) {
      throw refused(argument, text, "at most four fraction digits, got " + fraction.length());
    }
    return fields(whole, fraction, argument, text);
  }

  private static LocalDateTime fields(String whole, String fraction, String argument, String text) {
    int year = Integer.parseInt(whole.substring(0, 4));
    int month = Integer.parseInt(whole.substring(4, 6));
    int day = Integer.parseInt(whole.substring(6, 8));
    int hour = Integer.parseInt(whole.substring(8, 10));
    int minute = Integer.parseInt(whole.substring(10, 12));
    int second = Integer.parseInt(whole.substring(12, 14));
    if (month < 1 || month > 12) {
      throw refused(argument, text, "month " + month + " does not exist");
    }
    int days = YearMonth.of(year, month).lengthOfMonth();
    if (day < 1 || day > days) {
      String monthName = Month.of(month).getDisplayName(TextStyle.FULL, Locale.ENGLISH);
      throw refused(argument, text, "day " + day + " does not exist in " + monthName + " " + year);
    }
    if (hour > 23) {
      throw refused(argument, text, "hour " + hour + " does not exist");
    }
    if (minute > 59) {
      throw refused(argument, text, "minute " + minute + " does not exist");
    }
    if (second > 59) {
      throw refused(argument, text, "second " + second + " does not exist");
    }
    int steps = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "000").substring(0, 4));
    return LocalDateTime.of(year, month, day, hour, minute, second, steps * NANOS_PER_STEP);
  }

  /**
   * The canonical text of {@code time} (years 0000 to 9999): four fraction digits when the fraction is
   * not zero, none otherwise; anything finer than 1/10000 s is cut off.
   */
  public static String format(LocalDateTime time) {
    String whole = String.format(Locale.ROOT, "%04d%02d%02d%02d%02d%02d", time.getYear(), time.getMonthValue(),
        time.getDayOfMonth(), time.getHour(), time.getMinute(), time.getSecond());
    int steps = time.getNano() / NANOS_PER_STEP;
    return steps == 0 ? whole : whole + String.format(Locale.ROOT, ".%04d", steps);
  }

  /** Whether {@code time} can be written in the notation: years 0000 to 9999, whole steps of 1/10000 s. */
  static boolean expressible(LocalDateTime time) {
    return time.getYear() >= 0 && time.getYear() <= 9999 && time.getNano() % NANOS_PER_STEP == 0;
  }

  private static boolean digitsOnly(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static ShellSyntaxException refused(String argument, String text, String reason) {
    return new ShellSyntaxException("expected " + argument + " as " + FORMAT + ", got " + Words.quote(text)
        + " (" + reason + ")");
  }
}
