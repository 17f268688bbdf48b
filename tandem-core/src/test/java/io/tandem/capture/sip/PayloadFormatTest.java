package io.tandem.capture.sip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PayloadFormatTest {
  @Test
  void rtpmapGivesEncodingRateAndChannels() {
    assertThat(PayloadFormat.of(111, "opus/48000/2", "useinbandfec=1"))
        .isEqualTo(new PayloadFormat(111, "OPUS", 48000, 2, "useinbandfec=1"));
    assertThat(PayloadFormat.of(101, "telephone-event/8000", "0-16").rtpmap()).isEqualTo("TELEPHONE-EVENT/8000");
  }

  @Test
  void aStaticTypeWithoutRtpmapTakesItsRegisteredEncoding() {
    assertThat(PayloadFormat.of(18, null, "annexb=no")).isEqualTo(new PayloadFormat(18, "G729", 8000, 1, "annexb=no"));
    assertThat(PayloadFormat.of(9, null, null)).isEqualTo(new PayloadFormat(9, "G722", 8000, 1, ""));
  }

  @Test
  void aDynamicTypeWithoutAReadableRtpmapIsUnknown() {
    assertThat(PayloadFormat.of(98, null, null).encoding()).isEqualTo(PayloadFormat.UNKNOWN);
    assertThat(PayloadFormat.of(98, "iLBC", null).encoding()).isEqualTo(PayloadFormat.UNKNOWN);
    assertThat(PayloadFormat.of(0, "PCMU/fast", null)).isEqualTo(new PayloadFormat(0, "PCMU", 8000, 1, ""));
  }

  @Test
  void mediaDescriptionListsEveryFormatInOfferOrderWithItsFmtp() throws Exception {
    SessionDescription sdp = Sdp.parse("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
        + "m=audio 4000 RTP/AVP 18 0 101\r\na=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=yes\r\n"
        + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n");

    assertThat(sdp.media().getFirst().payloadFormats()).containsExactly(
        new PayloadFormat(18, "G729", 8000, 1, "annexb=yes"), new PayloadFormat(0, "PCMU", 8000, 1, ""),
        new PayloadFormat(101, "TELEPHONE-EVENT", 8000, 1, "0-15"));
  }
}
