package io.tandem.capture.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SdpTest {
  static final String OFFER = "v=0\r\n"
      + "o=SBC 2890844526 2890844526 IN IP4 192.0.2.10\r\n"
      + "s=SIPREC\r\n"
      + "c=IN IP4 192.0.2.10\r\n"
      + "t=0 0\r\n"
      + "m=audio 36000 RTP/AVP 18 8 0 101\r\n"
      + "a=rtpmap:8 PCMA/8000\r\n"
      + "a=rtpmap:101 telephone-event/8000\r\n"
      + "a=label:1\r\n"
      + "a=sendonly\r\n"
      + "a=ptime:20\r\n"
      + "m=audio 36002 RTP/AVP 0\r\n"
      + "c=IN IP4 192.0.2.11/127\r\n"
      + "a=label:2\r\n";

  @Test
  void mediaLinesKeepFormatsLabelsDirectionAndConnection() throws Exception {
    SessionDescription sdp = Sdp.parse(OFFER);

    assertThat(sdp.origin()).isEqualTo("SBC 2890844526 2890844526 IN IP4 192.0.2.10");
    assertThat(sdp.connectionAddress()).isEqualTo("192.0.2.10");
    assertThat(sdp.media()).hasSize(2);
    MediaDescription first = sdp.media().get(0);
    assertThat(first.port()).isEqualTo(36000);
    assertThat(first.formats()).containsExactly(18, 8, 0, 101);
    assertThat(first.rtpmap()).containsEntry(8, "PCMA/8000");
    assertThat(first.label()).isEqualTo("1");
    assertThat(first.direction()).isEqualTo("sendonly");
    assertThat(first.connectionAddress()).isEqualTo("192.0.2.10");
    assertThat(first.otherAttributes()).containsExactly("ptime:20");
    MediaDescription second = sdp.media().get(1);
    assertThat(second.direction()).isEqualTo("sendrecv");
    assertThat(second.connectionAddress()).isEqualTo("192.0.2.11");
  }

  @Test
  void printedSdpParsesBackToTheSameDescription() throws Exception {
    SessionDescription sdp = new SessionDescription("tandem 1 1 IN IP4 127.0.0.1", "rec", "127.0.0.1", List.of(
        new MediaDescription("audio", 40000, "RTP/AVP", List.of(0), Map.of(0, "PCMU/8000"), "1", "recvonly", null),
        new MediaDescription("audio", 40002, "RTP/AVP", List.of(8), Map.of(8, "PCMA/8000"), "2", "recvonly",
            "127.0.0.2")));

    SessionDescription reparsed = Sdp.parse(sdp.toString());

    assertThat(reparsed.toString()).isEqualTo(sdp.toString()).startsWith("v=0\r\n").contains("m=audio 40000 RTP/AVP 0");
    assertThat(reparsed.media().get(0).connectionAddress()).isEqualTo("127.0.0.1");
    assertThat(reparsed.media().get(1).connectionAddress()).isEqualTo("127.0.0.2");
  }

  @Test
  void anSdpWithoutItsVersionOriginOrAReadableMediaLineIsRefusedByName() {
    assertThatThrownBy(() -> Sdp.parse("o=x\r\n")).isInstanceOf(SipParseException.class).hasMessageContaining("v=0");
    assertThatThrownBy(() -> Sdp.parse(OFFER.replace("m=audio 36002", "m=audio port")))
        .hasMessageContaining("expected a media line");
    assertThatThrownBy(() -> Sdp.parse("v=0\r\ns=x\r\n")).hasMessageContaining("'o='");
  }

  @Test
  void linesRecordingCanDoWithoutAreSkippedAndListed() throws Exception {
    SessionDescription sdp = Sdp.parse(OFFER.replace("c=IN IP4 192.0.2.10", "c=IN")
        .replace("a=rtpmap:8 PCMA/8000", "a=rtpmap:x") + "--metaswitch-boundary\r\n");

    assertThat(sdp.skippedLines()).containsExactly("c=IN", "a=rtpmap:x", "--metaswitch-boundary");
    assertThat(sdp.connectionAddress()).isNull();
    assertThat(sdp.media()).hasSize(2);
    assertThat(sdp.media().get(0).rtpmap()).doesNotContainKey(8).containsKey(101);
    assertThat(sdp.toString()).doesNotContain("metaswitch");
  }

  @Test
  void anSdpWithNoConnectionLineSaysSo() throws Exception {
    SessionDescription none = Sdp.parse(OFFER.replace("c=IN IP4 192.0.2.10\r\n", "")
        .replace("c=IN IP4 192.0.2.11/127\r\n", ""));
    SessionDescription mediaOnly = Sdp.parse(OFFER.replace("c=IN IP4 192.0.2.10\r\n", ""));

    assertThat(none.withoutConnection()).isTrue();
    assertThat(none.media()).extracting(MediaDescription::connectionAddress).containsOnlyNulls();
    assertThat(mediaOnly.withoutConnection()).isFalse();
  }

  @Test
  void directionsAndLabelsAreReadInAnyCaseAndAnEmptyLabelIsNone() throws Exception {
    SessionDescription sdp = Sdp.parse("\r\n" + OFFER.replace("a=sendonly", "a=SendOnly").replace("a=label:2", "a=label:"));

    assertThat(sdp.media().get(0).direction()).isEqualTo("sendonly");
    assertThat(sdp.media().get(1).label()).isNull();
  }
}
