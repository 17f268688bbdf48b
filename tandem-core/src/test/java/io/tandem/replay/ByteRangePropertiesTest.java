package io.tandem.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.LongRange;

class ByteRangePropertiesTest {
  private static final int MAX_LENGTH = 300_000;
  private static byte[] content;
  private static Path file;

  @BeforeContainer
  static void writeResource() throws IOException {
    content = new byte[MAX_LENGTH];
    new Random(7).nextBytes(content);
    file = Files.createTempFile("byte-range", ".bin");
    Files.write(file, content);
  }

  @AfterContainer
  static void deleteResource() throws IOException {
    Files.deleteIfExists(file);
  }

  @Property(tries = 300)
  void closedRangeServesExactlyTheBytesAsked(@ForAll @LongRange(min = 1, max = MAX_LENGTH) long length,
      @ForAll @LongRange(min = 0, max = MAX_LENGTH) long first, @ForAll @LongRange(min = 0, max = MAX_LENGTH) long last)
      throws Exception {
    Assume.that(first <= last && first < length);

    ByteRange range = ByteRange.parse("bytes=" + first + "-" + last, length).orElseThrow();

    long expectedLast = Math.min(last, length - 1);
    assertThat(range.contentRange()).isEqualTo("bytes " + first + "-" + expectedLast + "/" + length);
    assertThat(served(range)).isEqualTo(Arrays.copyOfRange(content, (int) first, (int) expectedLast + 1));
  }

  @Property(tries = 200)
  void suffixRangeServesTheLastBytes(@ForAll @LongRange(min = 1, max = MAX_LENGTH) long length,
      @ForAll @LongRange(min = 1, max = 2L * MAX_LENGTH) long suffix) throws Exception {
    ByteRange range = ByteRange.parse("bytes=-" + suffix, length).orElseThrow();

    int from = (int) Math.max(0, length - suffix);
    assertThat(range.length()).isEqualTo(Math.min(suffix, length));
    assertThat(served(range)).isEqualTo(Arrays.copyOfRange(content, from, (int) length));
  }

  @Property(tries = 200)
  void openRangeServesToTheEnd(@ForAll @LongRange(min = 1, max = MAX_LENGTH) long length,
      @ForAll @LongRange(min = 0, max = MAX_LENGTH) long first) throws Exception {
    Assume.that(first < length);

    ByteRange range = ByteRange.parse("bytes=" + first + "-", length).orElseThrow();

    assertThat(served(range)).isEqualTo(Arrays.copyOfRange(content, (int) first, (int) length));
  }

  private static byte[] served(ByteRange range) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FileSlice.copy(file, range.first(), range.last(), out);
    return out.toByteArray();
  }
}
