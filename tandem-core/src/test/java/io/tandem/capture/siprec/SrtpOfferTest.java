package io.tandem.capture.siprec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.capture.sip.MediaDescription;
import io.tandem.capture.sip.Sdp;
import io.tandem.capture.sip.SessionDescription;
import io.tandem.capture.srtp.SdesCrypto;
import io.tandem.capture.srtp.SrtpSuite;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SDES in SIPREC offers: which key the recorder receives with, and what it answers. */
class SrtpOfferTest {
  private static final String KEY = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";

  @Test
  void theFirstCryptoLineTheRecorderCanUseIsChosenAndAnsweredWithItsOwnKey() throws Exception {
    SiprecOffer offer = offer("RTP/SAVP", "a=crypto:1 AEAD_AES_256_GCM inline:" + KEY + "\r\n"
        + "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" + KEY + "|2^31\r\n"
        + "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "\r\n");
    OfferedStream stream = offer.streams().get(0);
    assertThat(stream.secure()).isTrue();
    assertThat(stream.crypto().tag()).isEqualTo(2);
    assertThat(stream.crypto().suite()).isEqualTo(SrtpSuite.AES_CM_128_HMAC_SHA1_32);

    SdesCrypto answerKey = SdesCrypto.random(2, SrtpSuite.AES_CM_128_HMAC_SHA1_32);
    SessionDescription answer = Sdp.parse(SiprecAnswer.sdp("127.0.0.1", 7, offer.streams(), List.of(30_000),
        java.util.Collections.singletonList(answerKey)));
    MediaDescription media = answer.media().get(0);
    assertThat(media.proto()).isEqualTo("RTP/SAVP");
    String crypto = media.otherAttributes().stream().filter(a -> a.startsWith("crypto:")).findFirst().orElseThrow();
    SdesCrypto answered = SdesCrypto.parse(crypto.substring(7));
    assertThat(answered).isEqualTo(answerKey);
    assertThat(answered.masterKey()).isNotEqualTo(stream.crypto().masterKey());
  }

  @Test
  void anSrtpStreamWithoutAUsableKeyIsRefused488SayingWhatWasExpected() {
    assertThatThrownBy(() -> offer("RTP/SAVP", "a=crypto:1 AEAD_AES_256_GCM inline:" + KEY + "\r\n"))
        .isInstanceOfSatisfying(SiprecException.class, e -> {
          assertThat(e.status()).isEqualTo(488);
          assertThat(e.kind()).isEqualTo(SiprecException.SRTP_UNUSABLE);
          assertThat(e.reason()).contains("AES_CM_128_HMAC_SHA1_80 or AES_CM_128_HMAC_SHA1_32");
        });
    assertThatThrownBy(() -> offer("UDP/TLS/RTP/SAVP", "a=fingerprint:sha-256 AB:CD\r\n"))
        .isInstanceOf(SiprecException.class).hasMessageContaining("SDES keys");
  }

  @Test
  void plainRtpWithCryptoLinesStaysPlain() throws Exception {
    OfferedStream stream = offer("RTP/AVP", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "\r\n")
        .streams().get(0);
    assertThat(stream.secure()).isFalse();
    assertThat(stream.crypto()).isNull();
  }

  private static SiprecOffer offer(String proto, String cryptoLines) throws Exception {
    String sdp = "v=0\r\no=SBC 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
        + "m=audio 36000 " + proto + " 0\r\na=label:1\r\na=sendonly\r\n" + cryptoLines;
    return SiprecOffer.from(SiprecOfferTest.withBody(null, "<sip:sbc@192.0.2.10>", "application/sdp",
        sdp.getBytes(StandardCharsets.UTF_8)));
  }
}
