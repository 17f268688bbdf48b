package io.tandem.replay;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One satisfiable byte range of a resource, {@code first} to {@code last} inclusive, as a 206 answer
 * carries it. Parsing follows RFC 9110: no header, another unit, a malformed or an invalid header, or
 * several ranges are answered with the whole resource; a range that starts past the end is not
 * satisfiable. Immutable.
 */
public record ByteRange(long first, long last, long resourceLength) {
  private static final Pattern SINGLE_RANGE = Pattern.compile("([0-9]*)-([0-9]*)");

  public ByteRange {
    if (first < 0 || last < first || last >= resourceLength) {
      throw new IllegalArgumentException("a byte range needs 0 <= first <= last < resourceLength, got "
          + first + "-" + last + "/" + resourceLength);
    }
  }

  /**
   * The range a {@code Range} header asks of a resource of {@code resourceLength} bytes.
   *
   * @return empty when the whole resource is to be served (200)
   * @throws RangeNotSatisfiableException when the range lies past the resource (416)
   */
  public static Optional<ByteRange> parse(String rangeHeader, long resourceLength)
      throws RangeNotSatisfiableException {
    if (resourceLength < 0) {
      throw new IllegalArgumentException("resourceLength must be >= 0, got " + resourceLength);
    }
    if (rangeHeader == null) {
      return Optional.empty();
    }
    String header = rangeHeader.strip();
    int equals = header.indexOf('=');
    if (equals < 0 || !header.substring(0, equals).strip().equalsIgnoreCase("bytes")) {
      return Optional.empty();
    }
    String spec = header.substring(equals + 1).strip();
    // Several ranges may be answered with the whole body.
    if (spec.indexOf(',') >= 0) {
      return Optional.empty();
    }
    Matcher matcher = SINGLE_RANGE.matcher(spec);
    if (!matcher.matches() || matcher.group(1).isEmpty() && matcher.group(2).isEmpty()) {
      return Optional.empty();
    }
    if (matcher.group(1).isEmpty()) {
      return Optional.of(suffix(spec, number(matcher.group(2)), resourceLength));
    }
    long first = number(matcher.group(1));
    long last = matcher.group(2).isEmpty() ? Long.MAX_VALUE : number(matcher.group(2));
    if (last < first) {
      // An invalid range is ignored, not refused.
      return Optional.empty();
    }
    if (first >= resourceLength) {
      throw new RangeNotSatisfiableException(spec, resourceLength);
    }
    return Optional.of(new ByteRange(first, Math.min(last, resourceLength - 1), resourceLength));
  }

  private static ByteRange suffix(String spec, long suffixLength, long resourceLength)
      throws RangeNotSatisfiableException {
    if (suffixLength == 0 || resourceLength == 0) {
      throw new RangeNotSatisfiableException(spec, resourceLength);
    }
    return new ByteRange(Math.max(0, resourceLength - suffixLength), resourceLength - 1, resourceLength);
  }

  // Digits beyond a long's range mean "past any resource".
  private static long number(String digits) {
    return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
  }

  /** How many bytes the range holds: the 206 answer's {@code Content-Length}. */
  public long length() {
    return last - first + 1;
  }

  /** The 206 answer's {@code Content-Range}: {@code bytes first-last/resourceLength}. */
  public String contentRange() {
    return "bytes " + first + "-" + last + "/" + resourceLength;
  }
}
