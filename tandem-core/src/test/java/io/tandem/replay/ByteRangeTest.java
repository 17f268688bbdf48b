package io.tandem.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ByteRangeTest {
  @Test
  void noHeaderServesTheWholeResource() throws Exception {
    assertThat(ByteRange.parse(null, 100)).isEmpty();
  }

  @Test
  void closedRangeIsTakenExactly() throws Exception {
    ByteRange range = ByteRange.parse("bytes=10-19", 100).orElseThrow();

    assertThat(range).isEqualTo(new ByteRange(10, 19, 100));
    assertThat(range.length()).isEqualTo(10);
    assertThat(range.contentRange()).isEqualTo("bytes 10-19/100");
  }

  @Test
  void lastPastTheEndIsClamped() throws Exception {
    assertThat(ByteRange.parse("bytes=90-500", 100)).contains(new ByteRange(90, 99, 100));
  }

  @Test
  void openRangeRunsToTheEnd() throws Exception {
    assertThat(ByteRange.parse("bytes=42-", 100)).contains(new ByteRange(42, 99, 100));
  }

  @Test
  void suffixRangeTakesTheLastBytes() throws Exception {
    assertThat(ByteRange.parse("bytes=-30", 100)).contains(new ByteRange(70, 99, 100));
    assertThat(ByteRange.parse("bytes=-500", 100)).contains(new ByteRange(0, 99, 100));
  }

  @Test
  void unitIsCaseInsensitive() throws Exception {
    assertThat(ByteRange.parse("Bytes=0-0", 100)).contains(new ByteRange(0, 0, 100));
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=100-", "bytes=100-200", "bytes=-0", "bytes=99999999999999999999-"})
  void rangePastTheEndIsNotSatisfiable(String header) {
    assertThatThrownBy(() -> ByteRange.parse(header, 100))
        .isInstanceOfSatisfying(RangeNotSatisfiableException.class,
            e -> assertThat(e.contentRange()).isEqualTo("bytes */100"));
  }

  @Test
  void anyRangeOfAnEmptyResourceIsNotSatisfiable() {
    assertThatThrownBy(() -> ByteRange.parse("bytes=-5", 0)).isInstanceOf(RangeNotSatisfiableException.class);
    assertThatThrownBy(() -> ByteRange.parse("bytes=0-", 0)).isInstanceOf(RangeNotSatisfiableException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "bytes", "bytes=", "bytes=-", "bytes=a-b", "bytes=5-2", "items=0-5", "bytes=1-2-3",
      "bytes=0-1,5-9", "0-5"})
  void malformedOrMultipleRangesServeTheWholeResource(String header) throws Exception {
    assertThat(ByteRange.parse(header, 100)).isEmpty();
  }

  @Test
  void rangeOutsideItsResourceCannotBeBuilt() {
    assertThatThrownBy(() -> new ByteRange(5, 100, 100)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ByteRange(6, 5, 100)).isInstanceOf(IllegalArgumentException.class);
  }
}
