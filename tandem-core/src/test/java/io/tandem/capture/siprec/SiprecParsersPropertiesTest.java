package io.tandem.capture.siprec;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.capture.sip.Sdp;
import io.tandem.capture.sip.SipMessage;
import io.tandem.capture.sip.SipParseException;
import io.tandem.capture.sip.SipParser;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzing of everything a SIPREC INVITE passes through after the SIP parser: recording metadata (both
 * schemas, whole and partial), SDP, multipart bodies, and the offer built from them. Whatever the input,
 * only the parsers' own errors come out, each with a reason.
 */
class SiprecParsersPropertiesTest {
  private static final byte[] RFC7865 = RecordingMetadataTest.RFC7865.getBytes(StandardCharsets.UTF_8);
  private static final byte[] DRAFT = RecordingMetadataTest.DRAFT.getBytes(StandardCharsets.UTF_8);
  private static final byte[] SDP = SiprecOfferTest.SDP.getBytes(StandardCharsets.UTF_8);
  private static final byte[] INVITE = invite();

  @Property(tries = 300)
  void randomBytesAreMetadataOrRefusedWithAReason(@ForAll @Size(max = 3000) byte[] data) {
    assertThat(metadata(data)).isIn("metadata", "refused");
  }

  @Property(tries = 1000)
  void mutatedMetadataIsReadOrRefusedWithAReason(@ForAll("metadataMutations") byte[] data) {
    assertThat(metadata(data)).isIn("metadata", "refused");
  }

  @Property(tries = 500)
  void mutatedSdpIsReadOrRefusedWithAReason(@ForAll("sdpMutations") byte[] data) {
    try {
      assertThat(Sdp.parse(new String(data, StandardCharsets.UTF_8)).origin()).isNotNull();
    } catch (SipParseException e) {
      assertThat(e.getMessage()).startsWith("expected");
    }
  }

  @Property(tries = 1000)
  void mutatedInvitesBecomeAnOfferOrAreRefusedWithAStatus(@ForAll("inviteMutations") byte[] data) {
    SipMessage message;
    try {
      message = SipParser.parse(data, 0, data.length);
    } catch (SipParseException e) {
      return;
    }
    try {
      SiprecOffer offer = SiprecOffer.from(message);
      assertThat(offer.streams()).isNotEmpty();
    } catch (SiprecException e) {
      assertThat(e.status()).isBetween(400, 499);
      assertThat(e.reason()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<byte[]> metadataMutations() {
    return Arbitraries.oneOf(mutations(RFC7865), mutations(DRAFT));
  }

  @Provide
  Arbitrary<byte[]> sdpMutations() {
    return mutations(SDP);
  }

  @Provide
  Arbitrary<byte[]> inviteMutations() {
    return mutations(INVITE);
  }

  private static Arbitrary<byte[]> mutations(byte[] valid) {
    Arbitrary<Integer> position = Arbitraries.integers().between(0, valid.length - 1);
    Arbitrary<Byte> value = Arbitraries.of((byte) '<', (byte) '>', (byte) '/', (byte) '"', (byte) '&', (byte) '=',
        (byte) '\r', (byte) '\n', (byte) ' ', (byte) 0, (byte) 0xFF, (byte) 0xC3, (byte) '-', (byte) '9', (byte) 'x');
    Arbitrary<byte[]> replaced = position.list().ofMaxSize(8).flatMap(positions -> value.list()
        .ofSize(positions.size()).map(values -> {
          byte[] copy = valid.clone();
          for (int i = 0; i < positions.size(); i++) {
            copy[positions.get(i)] = values.get(i);
          }
          return copy;
        }));
    Arbitrary<byte[]> truncated = position.map(end -> Arrays.copyOf(valid, end));
    Arbitrary<byte[]> cut = position.list().ofSize(2).map(ends -> {
      int from = Math.min(ends.get(0), ends.get(1));
      int to = Math.max(ends.get(0), ends.get(1));
      byte[] shorter = new byte[valid.length - (to - from)];
      System.arraycopy(valid, 0, shorter, 0, from);
      System.arraycopy(valid, to, shorter, from, valid.length - to);
      return shorter;
    });
    return Arbitraries.oneOf(replaced, truncated, cut);
  }

  private static String metadata(byte[] data) {
    try {
      RecordingMetadata.parseUpdate(data);
      RecordingMetadata.parse(data);
      return "metadata";
    } catch (MetadataException e) {
      return e.getMessage() != null && !e.getMessage().isBlank() ? "refused" : "no reason";
    }
  }

  private static byte[] invite() {
    try {
      return SiprecOfferTest.realistic().toBytes();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
