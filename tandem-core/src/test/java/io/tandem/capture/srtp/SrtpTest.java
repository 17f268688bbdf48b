package io.tandem.capture.srtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** SRTP against the test vectors of RFC 3711 Appendix B and libsrtp's reference packet. */
class SrtpTest {
  private static final HexFormat HEX = HexFormat.of();
  /** RFC 3711 B.3's master key and salt, which libsrtp's test driver also protects its reference packet with. */
  private static final byte[] MASTER = HEX.parseHex("E1F97A0D3E018BE0D64FA32C06DE4139" + "0EC675AD498AFEEBB6960B3AABE6");
  private static final byte[] PLAIN = HEX.parseHex("800f1234decafbadcafebabe" + "abababababababababababababababab");
  private static final byte[] PROTECTED_80 = HEX.parseHex("800f1234decafbadcafebabe"
      + "4e55dc4ce79978d88ca4d215949d2402" + "b78d6acc99ea179b8dbb");

  @Test
  void sessionKeysAreDerivedAsAppendixB3Lists() {
    SrtpSessionKeys keys = SrtpSessionKeys.derive(Arrays.copyOf(MASTER, 16), Arrays.copyOfRange(MASTER, 16, 30));
    assertThat(HEX.formatHex(keys.cipherKey())).isEqualToIgnoringCase("C61E7A93744F39EE10734AFE3FF7A087");
    assertThat(HEX.formatHex(keys.salt())).isEqualToIgnoringCase("30CBBC08863D8C85D49DB34A9AE1");
    assertThat(HEX.formatHex(keys.authKey())).isEqualToIgnoringCase("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4");
  }

  @Test
  void theKeystreamIsAppendixB2s() {
    SrtpTransform transform = new SrtpTransform(new SrtpSessionKeys(HEX.parseHex("2B7E151628AED2A6ABF7158809CF4F3C"),
        new byte[20], HEX.parseHex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD")));
    byte[] zeros = new byte[48];
    transform.crypt(zeros, 0, zeros.length, 0, 0);
    assertThat(HEX.formatHex(zeros)).isEqualToIgnoringCase("E03EAD0935C95E80E166B16DD92B4EB4"
        + "D23513162B02D0F72A43A2FE4A5F97AB" + "41E95B3BB0A2E8DD477901E4FCA894C0");
  }

  @Test
  void theReferencePacketIsProtectedAndUnprotectedAsLibsrtpDoes() {
    byte[] packet = Arrays.copyOf(PLAIN, PLAIN.length + 10);
    int length = new SrtpSender(crypto(SrtpSuite.AES_CM_128_HMAC_SHA1_80)).protect(packet, PLAIN.length);
    assertThat(Arrays.copyOf(packet, length)).isEqualTo(PROTECTED_80);

    byte[] received = PROTECTED_80.clone();
    assertThat(new SrtpReceiver(crypto(SrtpSuite.AES_CM_128_HMAC_SHA1_80)).unprotect(received, received.length))
        .isEqualTo(PLAIN.length);
    assertThat(Arrays.copyOf(received, PLAIN.length)).isEqualTo(PLAIN);
  }

  @Test
  void theThirtyTwoBitSuiteSendsTheFirstFourBytesOfTheSameTag() {
    byte[] packet = Arrays.copyOf(PLAIN, PLAIN.length + 4);
    int length = new SrtpSender(crypto(SrtpSuite.AES_CM_128_HMAC_SHA1_32)).protect(packet, PLAIN.length);
    assertThat(Arrays.copyOf(packet, length)).isEqualTo(Arrays.copyOf(PROTECTED_80, PLAIN.length + 4));
    assertThat(new SrtpReceiver(crypto(SrtpSuite.AES_CM_128_HMAC_SHA1_32)).unprotect(packet, length))
        .isEqualTo(PLAIN.length);
    assertThat(Arrays.copyOf(packet, PLAIN.length)).isEqualTo(PLAIN);
  }

  @Test
  void aPacketWithABadTagOrAnotherKeyIsRefusedAndLeftAsItCame() {
    SrtpReceiver receiver = new SrtpReceiver(crypto(SrtpSuite.AES_CM_128_HMAC_SHA1_80));
    byte[] tampered = PROTECTED_80.clone();
    tampered[20] ^= 1;
    assertThat(receiver.unprotect(tampered.clone(), tampered.length)).isEqualTo(SrtpReceiver.UNAUTHENTIC);
    byte[] otherKey = PROTECTED_80.clone();
    assertThat(new SrtpReceiver(SdesCrypto.random(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80))
        .unprotect(otherKey, otherKey.length)).isEqualTo(SrtpReceiver.UNAUTHENTIC);
    assertThat(otherKey).isEqualTo(PROTECTED_80);
    // A refused packet leaves no state: the genuine one is still taken after it.
    assertThat(receiver.unprotect(PROTECTED_80.clone(), PROTECTED_80.length)).isEqualTo(PLAIN.length);
  }

  @Test
  void aReplayedPacketIsRefusedAndALateOneInsideTheWindowTaken() {
    SrtpSender sender = new SrtpSender(crypto(SrtpSuite.AES_CM_128_HMAC_SHA1_80));
    SrtpReceiver receiver = new SrtpReceiver(crypto(SrtpSuite.AES_CM_128_HMAC_SHA1_80));
    byte[][] sent = new byte[100][];
    for (int sequence = 0; sequence < sent.length; sequence++) {
      sent[sequence] = protect(sender, 1000 + sequence, 0x1234);
    }
    for (int sequence = 0; sequence < 90; sequence++) {
      if (sequence != 40 && sequence != 5) {
        assertThat(unprotect(receiver, sent[sequence])).as("packet %d", sequence).isPositive();
      }
    }
    assertThat(unprotect(receiver, sent[40])).as("late, inside the window").isPositive();
    assertThat(unprotect(receiver, sent[40])).as("again").isEqualTo(SrtpReceiver.REPLAYED);
    assertThat(unprotect(receiver, sent[89])).as("the newest again").isEqualTo(SrtpReceiver.REPLAYED);
    assertThat(unprotect(receiver, sent[5])).as("older than the window").isEqualTo(SrtpReceiver.REPLAYED);
  }

  @Test
  void sequenceNumbersThatWrapMoveToTheNextRolloverCounter() {
    SrtpSender sender = new SrtpSender(crypto(SrtpSuite.AES_CM_128_HMAC_SHA1_80));
    SrtpReceiver receiver = new SrtpReceiver(crypto(SrtpSuite.AES_CM_128_HMAC_SHA1_80));
    for (int i = 0; i < 200; i++) {
      int sequence = (65_500 + i) & 0xFFFF;
      byte[] packet = protect(sender, sequence, 0x42);
      assertThat(receiver.unprotect(packet, packet.length)).as("packet %d", sequence).isEqualTo(12 + 160);
      assertThat(packet[12]).isEqualTo((byte) sequence);
    }
  }

  @Test
  void anMkiIsCheckedAndCutOffWithTheTag() {
    SdesCrypto withMki = SdesCrypto.parse("1 AES_CM_128_HMAC_SHA1_80 inline:"
        + java.util.Base64.getEncoder().encodeToString(MASTER) + "|2^31|7:2");
    byte[] packet = Arrays.copyOf(PLAIN, PLAIN.length + 12);
    int length = new SrtpSender(withMki).protect(packet, PLAIN.length);
    assertThat(length).isEqualTo(PLAIN.length + 12);
    assertThat(packet[PLAIN.length]).isEqualTo((byte) 0);
    assertThat(packet[PLAIN.length + 1]).isEqualTo((byte) 7);
    byte[] wrongMki = packet.clone();
    wrongMki[PLAIN.length + 1] = 8;
    assertThat(new SrtpReceiver(withMki).unprotect(wrongMki, length)).isEqualTo(SrtpReceiver.UNAUTHENTIC);
    assertThat(new SrtpReceiver(withMki).unprotect(packet, length)).isEqualTo(PLAIN.length);
    assertThat(Arrays.copyOf(packet, PLAIN.length)).isEqualTo(PLAIN);
  }

  @Test
  void somethingTooShortForAHeaderAndATagIsMalformed() {
    assertThat(new SrtpReceiver(crypto(SrtpSuite.AES_CM_128_HMAC_SHA1_80)).unprotect(new byte[20], 20))
        .isEqualTo(SrtpReceiver.MALFORMED);
  }

  private static byte[] protect(SrtpSender sender, int sequence, long ssrc) {
    byte[] packet = new byte[12 + 160 + 10];
    byte[] payload = new byte[160];
    Arrays.fill(payload, (byte) sequence);
    int length = io.tandem.capture.rtp.RtpPacket.write(packet, 0, false, sequence, sequence * 160L, ssrc, payload, 0,
        160);
    return Arrays.copyOf(packet, sender.protect(packet, length));
  }

  private static int unprotect(SrtpReceiver receiver, byte[] packet) {
    return receiver.unprotect(packet.clone(), packet.length);
  }

  private static SdesCrypto crypto(SrtpSuite suite) {
    return new SdesCrypto(1, suite, MASTER, 0, 0, false);
  }
}
