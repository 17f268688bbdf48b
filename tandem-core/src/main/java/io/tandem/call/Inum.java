package io.tandem.call;

/**
 * A 15-digit interaction number: the 6-digit serial of the recorder that recorded the call followed
 * by a 9-digit sequence. Immutable; ordered by serial, then sequence.
 */
public record Inum(long value) implements Comparable<Inum> {
  public static final long MAX_SEQUENCE = 999_999_999L;
  private static final long SEQUENCE_SPAN = 1_000_000_000L;

  public Inum {
    if (value < SEQUENCE_SPAN || value > 999_999_999_999_999L) {
      throw new IllegalArgumentException("INUM must be 15 digits with a non-zero serial, got " + value);
    }
  }

  public static Inum of(int serial, long sequence) {
    Serial.check(serial);
    if (sequence < 1 || sequence > MAX_SEQUENCE) {
      throw new IllegalArgumentException("INUM sequence must be 1.." + MAX_SEQUENCE + ", got " + sequence);
    }
    return new Inum(serial * SEQUENCE_SPAN + sequence);
  }

  /** Parses exactly 15 digits. */
  public static Inum parse(String text) {
    if (text == null || text.length() != 15 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("INUM must be 15 digits, got '" + text + "'");
    }
    return new Inum(Long.parseLong(text));
  }

  /** The INUMs as a JSON array of numbers: how a statement takes a list of any length as one parameter. */
  public static String jsonArray(java.util.Collection<Inum> inums) {
    StringBuilder array = new StringBuilder(inums.size() * 17 + 2).append('[');
    for (Inum inum : inums) {
      if (array.length() > 1) {
        array.append(',');
      }
      array.append(inum.value);
    }
    return array.append(']').toString();
  }

  public int serial() {
    return (int) (value / SEQUENCE_SPAN);
  }

  public long sequence() {
    return value % SEQUENCE_SPAN;
  }

  @Override
  public int compareTo(Inum other) {
    return Long.compare(value, other.value);
  }

  @Override
  public String toString() {
    return String.format("%015d", value);
  }
}
