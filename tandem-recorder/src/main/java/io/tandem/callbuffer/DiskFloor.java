package io.tandem.callbuffer;

import io.tandem.config.ConfigException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The free-space floor of a recorder's data directory: below it the recorder takes no new call and the room
 * left is the reserve that its calls in progress finish into. Written as a size ({@code 1GiB}, {@code 512MiB},
 * {@code 2GB}, or plain bytes) or as a percentage of the filesystem ({@code 2%}, {@code 0.5%}); the default is
 * the larger of 1 GiB and 2 %. The floor in bytes is the larger of its two parts. Immutable.
 *
 * @param bytes the floor as a size; 0 when given only as a percentage
 * @param basisPoints the floor as hundredths of a percent of the filesystem's size; 0 when given only as a size
 */
public record DiskFloor(long bytes, int basisPoints) {
  public static final long MIN_BYTES = 1L << 20;
  /** Half the filesystem: a floor above that would keep most of the disk from ever holding calls. */
  public static final int MAX_BASIS_POINTS = 5_000;
  public static final DiskFloor DEFAULT = new DiskFloor(1L << 30, 200);

  private static final Pattern SIZE = Pattern.compile("([0-9]{1,15})\\s*(B|KIB|MIB|GIB|TIB|KB|MB|GB|TB)?");
  private static final Pattern PERCENT = Pattern.compile("([0-9]{1,2})(?:\\.([0-9]{1,2}))?\\s*%");

  public DiskFloor {
    if (bytes != 0 && bytes < MIN_BYTES) {
      throw new IllegalArgumentException("bytes must be 0 or at least " + MIN_BYTES + ", got " + bytes);
    }
    if (basisPoints < 0 || basisPoints > MAX_BASIS_POINTS) {
      throw new IllegalArgumentException("basisPoints must be 0 to " + MAX_BASIS_POINTS + ", got " + basisPoints);
    }
    if (bytes == 0 && basisPoints == 0) {
      throw new IllegalArgumentException("a floor needs a size or a percentage");
    }
  }

  /**
   * The floor that {@code text} writes, or {@link #DEFAULT} when it is null or blank.
   *
   * @throws ConfigException naming {@code key} and what was expected, when the text is not a floor
   */
  public static DiskFloor parse(String key, String text) {
    if (text == null || text.isBlank()) {
      return DEFAULT;
    }
    String value = text.strip();
    Matcher percent = PERCENT.matcher(value);
    if (percent.matches()) {
      int points = Integer.parseInt(percent.group(1)) * 100 + hundredths(percent.group(2));
      if (points < 1 || points > MAX_BASIS_POINTS) {
        throw refused(key, value);
      }
      return new DiskFloor(0, points);
    }
    Matcher size = SIZE.matcher(value.toUpperCase(Locale.ROOT));
    if (!size.matches()) {
      throw refused(key, value);
    }
    long amount = Long.parseLong(size.group(1));
    long unit = unit(size.group(2));
    if (amount > Long.MAX_VALUE / unit || amount * unit < MIN_BYTES) {
      throw refused(key, value);
    }
    return new DiskFloor(amount * unit, 0);
  }

  /** The floor in bytes on a filesystem of {@code totalBytes}. */
  public long bytesFor(long totalBytes) {
    long total = Math.max(0, totalBytes);
    // In two parts, so that neither overflows nor rounds: the share is exact, rounded up to a whole byte.
    long share = total / 10_000 * basisPoints + Math.ceilDiv(total % 10_000 * basisPoints, 10_000);
    return Math.max(bytes, share);
  }

  @Override
  public String toString() {
    String percent = basisPoints / 100 + (basisPoints % 100 == 0 ? "" : String.format(Locale.ROOT, ".%02d",
        basisPoints % 100)) + "%";
    if (basisPoints == 0) {
      return size(bytes);
    }
    return bytes == 0 ? percent : "the larger of " + size(bytes) + " and " + percent;
  }

  /** A byte count as people read it: {@code 1GiB}, {@code 512MiB}, {@code 17.5MiB}. */
  public static String size(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    while (unit < units.length - 1 && bytes >= 1L << (10 * (unit + 1))) {
      unit++;
    }
    long scale = 1L << (10 * unit);
    if (bytes % scale == 0) {
      return bytes / scale + units[unit];
    }
    return String.format(Locale.ROOT, "%.1f%s", bytes / (double) scale, units[unit]);
  }

  private static int hundredths(String digits) {
    if (digits == null) {
      return 0;
    }
    return digits.length() == 1 ? Integer.parseInt(digits) * 10 : Integer.parseInt(digits);
  }

  private static long unit(String name) {
    if (name == null) {
      return 1;
    }
    return switch (name) {
      case "KIB" -> 1L << 10;
      case "MIB" -> 1L << 20;
      case "GIB" -> 1L << 30;
      case "TIB" -> 1L << 40;
      case "KB" -> 1_000L;
      case "MB" -> 1_000_000L;
      case "GB" -> 1_000_000_000L;
      case "TB" -> 1_000_000_000_000L;
      default -> 1;
    };
  }

  private static ConfigException refused(String key, String value) {
    return new ConfigException("'" + key + "' must be a size of at least 1MiB such as 1GiB or 512MiB, or a share "
        + "of the data directory's filesystem from 0.01% to 50% such as 2%, got '" + value + "'");
  }
}
