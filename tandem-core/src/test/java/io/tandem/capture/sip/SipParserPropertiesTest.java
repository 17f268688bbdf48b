package io.tandem.capture.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class SipParserPropertiesTest {
  private static final byte[] VALID = SipParserTest.INVITE.getBytes(StandardCharsets.UTF_8);

  @Property(tries = 500)
  void randomBytesGiveAMessageOrAParseException(@ForAll @Size(max = 2000) byte[] data) {
    assertThat(outcome(data)).isIn("message", "refused");
  }

  @Property(tries = 1000)
  void mutatedValidMessagesGiveAMessageOrAParseException(@ForAll("mutations") byte[] data) {
    assertThat(outcome(data)).isIn("message", "refused");
  }

  @Property(tries = 300)
  void framerNeverFailsOtherwiseOnMutatedStreams(@ForAll("mutations") byte[] data) {
    SipStreamFramer framer = new SipStreamFramer();
    framer.feed(data, 0, data.length);
    try {
      while (framer.next() != null) {
        assertThat(framer.buffered()).isGreaterThanOrEqualTo(0);
      }
    } catch (SipParseException e) {
      assertThat(e.getMessage()).startsWith("expected");
    }
  }

  @Provide
  Arbitrary<byte[]> mutations() {
    Arbitrary<Integer> position = Arbitraries.integers().between(0, VALID.length - 1);
    Arbitrary<Byte> value = Arbitraries.of((byte) '\r', (byte) '\n', (byte) ':', (byte) ' ', (byte) 0, (byte) 0xFF,
        (byte) '9', (byte) ';', (byte) '\t', (byte) 'x');
    Arbitrary<byte[]> replaced = position.list().ofMaxSize(8).flatMap(positions -> value.list()
        .ofSize(positions.size()).map(values -> {
          byte[] copy = VALID.clone();
          for (int i = 0; i < positions.size(); i++) {
            copy[positions.get(i)] = values.get(i);
          }
          return copy;
        }));
    Arbitrary<byte[]> truncated = position.map(end -> java.util.Arrays.copyOf(VALID, end));
    return Arbitraries.oneOf(replaced, truncated);
  }

  private static String outcome(byte[] data) {
    try {
      SipParser.parse(data, 0, data.length);
      return "message";
    } catch (SipParseException e) {
      return e.getMessage().startsWith("expected") ? "refused" : "unclear message: " + e.getMessage();
    }
  }
}
