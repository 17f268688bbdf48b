package io.tandem.capture.siprec;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.call.StreamInfo;
import io.tandem.capture.sip.Sdp;
import io.tandem.capture.sip.SessionDescription;
import io.tandem.capture.srtp.SdesCrypto;
import io.tandem.capture.srtp.SrtpSuite;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A session's SRTP keys and media addresses as new offers change them. */
class SessionStreamsSrtpTest {
  private final SdesCrypto first = SdesCrypto.random(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80);
  private final SdesCrypto second = SdesCrypto.random(1, SrtpSuite.AES_CM_128_HMAC_SHA1_80);

  @Test
  void aNewKeyGoesToTheCaptureWhileTheAnswerKeepsTheRecordersKey() throws Exception {
    SessionStreams streams = session();
    String answered = crypto(streams.answer());

    SessionStreams.Change same = streams.reoffer(offer("RTP/SAVP", first, 36000), Map.of());
    assertThat(same.keys()).isEmpty();
    assertThat(same.moved()).isEmpty();

    SessionStreams.Change rekeyed = streams.reoffer(offer("RTP/SAVP", second, 36000), Map.of());
    assertThat(rekeyed.keys()).containsExactly(Map.entry(0, Optional.of(second)));
    assertThat(crypto(streams.answer())).isEqualTo(answered);

    SessionStreams.Change plain = streams.reoffer(offer("RTP/AVP", null, 36000), Map.of());
    assertThat(plain.keys()).containsExactly(Map.entry(0, Optional.empty()));
    assertThat(Sdp.parse(streams.answer()).media().get(0).proto()).isEqualTo("RTP/AVP");
  }

  @Test
  void anOfferThatMovesAStreamsMediaSaysSo() throws Exception {
    SessionStreams streams = session();
    assertThat(streams.reoffer(offer("RTP/SAVP", first, 36010), Map.of()).moved()).containsExactly(0);
    assertThat(streams.reoffer(offer("RTP/SAVP", first, 36010), Map.of()).moved()).isEmpty();
  }

  private SessionStreams session() throws Exception {
    OfferedStream stream = OfferedStreams.read(offer("RTP/SAVP", first, 36000), Map.of(), Set.of(), true).streams()
        .get(0);
    return new SessionStreams("127.0.0.1", 9, List.of(stream), List.of(new StreamInfo("1", 0, "", "PCMU")),
        List.of(30_000));
  }

  private static SessionDescription offer(String proto, SdesCrypto key, int port) throws Exception {
    return Sdp.parse("v=0\r\no=SBC 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
        + "m=audio " + port + " " + proto + " 0\r\na=label:1\r\na=sendonly\r\n"
        + (key == null ? "" : "a=" + key.toAttribute() + "\r\n"));
  }

  private static String crypto(String answer) throws Exception {
    return Sdp.parse(answer).media().get(0).otherAttributes().stream().filter(a -> a.startsWith("crypto:"))
        .findFirst().orElseThrow();
  }
}
