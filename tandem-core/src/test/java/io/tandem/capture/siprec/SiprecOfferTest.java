package io.tandem.capture.siprec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.capture.sip.BodyPart;
import io.tandem.capture.sip.MediaDescription;
import io.tandem.capture.sip.Multipart;
import io.tandem.capture.sip.PayloadFormat;
import io.tandem.capture.sip.Sdp;
import io.tandem.capture.sip.SessionDescription;
import io.tandem.capture.sip.SipMessage;
import io.tandem.capture.sip.SipParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class SiprecOfferTest {
  static final String SDP = "v=0\r\n"
      + "o=SBC 1 1 IN IP4 192.0.2.10\r\n"
      + "s=SIPREC\r\n"
      + "c=IN IP4 192.0.2.10\r\n"
      + "t=0 0\r\n"
      + "m=audio 36000 RTP/AVP 18 8 0\r\n"
      + "a=rtpmap:8 PCMA/8000\r\n"
      + "a=label:96\r\n"
      + "a=sendonly\r\n"
      + "m=audio 36002 RTP/AVP 0 8\r\n"
      + "a=label:97\r\n"
      + "a=sendonly\r\n";

  static SipMessage invite(String require, String contentType, String sdp, String metadata) throws Exception {
    byte[] body = Multipart.build("OSS-unique-boundary-42", List.of(
        new BodyPart("application/sdp", sdp.getBytes(StandardCharsets.UTF_8)),
        new BodyPart("application/rs-metadata+xml", java.util.Map.of("Content-Disposition", "recording-session"),
            metadata.getBytes(StandardCharsets.UTF_8))));
    SipMessage.Builder builder = SipMessage.request("INVITE", "sip:recorder@127.0.0.1:5070")
        .header("Via", "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK74bf9")
        .header("Max-Forwards", "70")
        .header("From", "<sip:sbc@192.0.2.10>;tag=9fxced76sl")
        .header("To", "<sip:recorder@127.0.0.1>")
        .header("Call-ID", "3848276298220188511@192.0.2.10")
        .header("CSeq", "101 INVITE")
        .header("Contact", "<sip:sbc@192.0.2.10>;+sip.src");
    if (require != null) {
      builder.header("Require", require);
    }
    SipMessage built = builder.body(contentType, body).build();
    return SipParser.parse(built.toBytes());
  }

  static SipMessage realistic() throws Exception {
    return invite("replaces, siprec", "multipart/mixed;boundary=OSS-unique-boundary-42", SDP,
        RecordingMetadataTest.RFC7865);
  }

  @Test
  void realisticInviteBecomesAnOfferWithLabelledStreamsInOrder() throws Exception {
    SiprecOffer offer = SiprecOffer.from(realistic());

    assertThat(offer.callId()).isEqualTo("3848276298220188511@192.0.2.10");
    assertThat(offer.sessionId()).isEqualTo("hVpd7YQgRW2nD22h7q60JQ==");
    assertThat(offer.participants()).extracting(p -> p.aor())
        .containsExactly("sip:alice@example.com", "sip:bob@example.net");
    assertThat(offer.streams()).containsExactly(
        new OfferedStream("96", 18, "zSfPoSvdSDCmU3A3TRDxAw==", "192.0.2.10", 36000,
            List.of(new PayloadFormat(18, "G729", 8000, 1, ""), new PayloadFormat(8, "PCMA", 8000, 1, ""),
                new PayloadFormat(0, "PCMU", 8000, 1, "")), "sendonly"),
        new OfferedStream("97", 0, "srfBElmCRp2QB23b7Mpk0w==", "192.0.2.10", 36002,
            List.of(new PayloadFormat(0, "PCMU", 8000, 1, ""), new PayloadFormat(8, "PCMA", 8000, 1, "")),
            "sendonly"));
  }

  @Test
  void answerIsRecvonlyWithLabelsCodecsAndLocalPorts() throws Exception {
    SiprecOffer offer = SiprecOffer.from(realistic());

    SessionDescription answer = Sdp.parse(SiprecAnswer.sdp("127.0.0.1", 42, offer.streams(), List.of(40000, 40002)));

    assertThat(answer.media()).extracting(MediaDescription::port).containsExactly(40000, 40002);
    assertThat(answer.media()).extracting(MediaDescription::label).containsExactly("96", "97");
    assertThat(answer.media()).extracting(MediaDescription::direction).containsOnly("recvonly");
    assertThat(answer.media()).extracting(MediaDescription::formats).containsExactly(List.of(18, 8, 0),
        List.of(0, 8));
    assertThat(answer.media().get(0).rtpmap()).containsEntry(18, "G729/8000").containsEntry(8, "PCMA/8000");
    assertThat(answer.media().get(1).connectionAddress()).isEqualTo("127.0.0.1");
    assertThat(answer.origin()).contains(" 42 42 IN IP4 127.0.0.1");
  }

  @Test
  void inviteWithoutRequireSiprecGets421() throws Exception {
    SipMessage noRequire = invite(null, "multipart/mixed;boundary=OSS-unique-boundary-42", SDP,
        RecordingMetadataTest.RFC7865);

    assertRefused(() -> SiprecOffer.from(noRequire), 421, "siprec");
  }

  @Test
  void singlePartSdpGets415() throws Exception {
    SipMessage plain = SipParser.parse(SipMessage.request("INVITE", "sip:r@h").header("Via", "SIP/2.0/UDP h;branch=z9hG4bK1")
        .header("From", "<sip:a@h>;tag=1").header("To", "<sip:r@h>").header("Call-ID", "c").header("CSeq", "1 INVITE")
        .header("Contact", "<sip:a@h>;+sip.src").header("Require", "siprec").body("application/sdp", SDP.getBytes(StandardCharsets.UTF_8)).build().toBytes());

    assertRefused(() -> SiprecOffer.from(plain), 415, "multipart/mixed");
  }

  @Test
  void missingMetadataPartGets415AndBrokenPartsGet400() throws Exception {
    byte[] onlySdp = Multipart.build("b", List.of(new BodyPart("application/sdp", SDP.getBytes(StandardCharsets.UTF_8))));
    SipMessage sdpOnly = rebuildBody(realistic(), "multipart/mixed;boundary=b", onlySdp);
    SipMessage badXml = invite("siprec", "multipart/mixed;boundary=OSS-unique-boundary-42", SDP, "<recording>");
    SipMessage badSdp = invite("siprec", "multipart/mixed;boundary=OSS-unique-boundary-42", "v=1\r\n",
        RecordingMetadataTest.RFC7865);
    SipMessage badBoundary = invite("siprec", "multipart/mixed;boundary=nope", SDP, RecordingMetadataTest.RFC7865);

    assertRefused(() -> SiprecOffer.from(sdpOnly), 415, "application/rs-metadata+xml");
    assertRefused(() -> SiprecOffer.from(badXml), 400, "well-formed");
    assertRefused(() -> SiprecOffer.from(badSdp), 400, "v=0");
    assertRefused(() -> SiprecOffer.from(badBoundary), 400, "boundary");
  }

  @Test
  void offersTheRecorderCannotTakeGet488() throws Exception {
    String boundary = "multipart/mixed;boundary=OSS-unique-boundary-42";
    SipMessage noLabel = invite("siprec", boundary, SDP.replace("a=label:97\r\n", ""), RecordingMetadataTest.RFC7865);
    SipMessage recvonly = invite("siprec", boundary, SDP.replace("a=label:97\r\na=sendonly", "a=label:97\r\na=recvonly"),
        RecordingMetadataTest.RFC7865);
    SipMessage noAudio = invite("siprec", boundary, SDP.substring(0, SDP.indexOf("m=audio")),
        RecordingMetadataTest.RFC7865);

    assertRefused(() -> SiprecOffer.from(noLabel), 488, "a=label");
    assertRefused(() -> SiprecOffer.from(recvonly), 488, "sendonly");
    assertRefused(() -> SiprecOffer.from(noAudio), 488, "m=audio");
  }

  @Test
  void everyRecordableFormatIsAnsweredInOfferOrderWithTelephoneEventAndItsFmtp() throws Exception {
    String sdp = SDP.replace("RTP/AVP 18 8 0", "RTP/AVP 111 9 18 101 98")
        .replace("a=rtpmap:8 PCMA/8000", "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 maxplaybackrate=16000\r\n"
            + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=rtpmap:98 AMR-WB/16000\r\n"
            + "a=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=yes");
    SiprecOffer offer = SiprecOffer.from(invite("siprec", "multipart/mixed;boundary=OSS-unique-boundary-42", sdp,
        RecordingMetadataTest.RFC7865));

    SessionDescription answer = Sdp.parse(SiprecAnswer.sdp("127.0.0.1", 42, offer.streams(), List.of(40000, 40002)));

    assertThat(offer.streams().get(0).payloadType()).isEqualTo(111);
    assertThat(answer.media().get(0).formats()).containsExactly(111, 9, 18, 101);
    assertThat(answer.media().get(0).rtpmap()).containsEntry(111, "opus/48000/2").containsEntry(9, "G722/8000")
        .containsEntry(101, "telephone-event/8000").doesNotContainKey(98);
    assertThat(answer.media().get(0).otherAttributes()).contains("fmtp:111 maxplaybackrate=16000",
        "fmtp:101 0-15", "fmtp:18 annexb=yes");
  }

  @Test
  void anOfferOfCodecsNobodyDecodesIsAnsweredAsOfferedToBeKeptRaw() throws Exception {
    String sdp = SDP.replace("RTP/AVP 18 8 0", "RTP/AVP 98 4").replace("a=rtpmap:8 PCMA/8000",
        "a=rtpmap:98 AMR-WB/16000");
    SiprecOffer offer = SiprecOffer.from(invite("siprec", "multipart/mixed;boundary=OSS-unique-boundary-42", sdp,
        RecordingMetadataTest.RFC7865));

    SessionDescription answer = Sdp.parse(SiprecAnswer.sdp("127.0.0.1", 42, offer.streams(), List.of(40000, 40002)));

    assertThat(offer.streams().get(0).payloadType()).isEqualTo(98);
    assertThat(answer.media().get(0).formats()).containsExactly(98, 4);
    assertThat(answer.media().get(0).rtpmap()).containsEntry(98, "AMR-WB/16000").containsEntry(4, "G723/8000");
  }

  @Test
  void initialInviteWithoutTheSrcFeatureTagGets488() throws Exception {
    SipMessage plainContact = withContact(realistic(), "<sip:sbc@192.0.2.10>");
    SipMessage tagInsideTheUri = withContact(realistic(), "<sip:sbc@192.0.2.10;+sip.src>");

    assertRefused(() -> SiprecOffer.from(plainContact), 488, "+sip.src");
    assertRefused(() -> SiprecOffer.from(tagInsideTheUri), 488, "+sip.src");
    assertThat(SiprecOffer.from(withContact(realistic(), "\"SBC\" <sip:sbc@192.0.2.10>;expires=60;+SIP.SRC")).streams())
        .hasSize(2);
    assertThat(SiprecOffer.from(withContact(realistic(), "sip:sbc@192.0.2.10;+sip.src")).streams()).hasSize(2);
  }

  @Test
  void extraBodyPartsAreIgnoredAndTheShortMetadataTypeIsAccepted() throws Exception {
    byte[] gtd = "IAM,\r\nPRN,isup*,,NT100,\r\nUSI,rate,c,s,c,1\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] body = Multipart.build("b", List.of(
        new BodyPart("application/gtd", gtd),
        new BodyPart("application/sdp", SDP.getBytes(StandardCharsets.UTF_8)),
        new BodyPart("application/rs-metadata", RecordingMetadataTest.RFC7865.getBytes(StandardCharsets.UTF_8))));

    SiprecOffer offer = SiprecOffer.from(rebuildBody(realistic(), "multipart/mixed;boundary=b", body));

    assertThat(offer.sessionId()).isEqualTo("hVpd7YQgRW2nD22h7q60JQ==");
    assertThat(offer.streams()).extracting(OfferedStream::label).containsExactly("96", "97");
  }

  private static SipMessage withContact(SipMessage invite, String contact) throws Exception {
    SipMessage.Builder builder = SipMessage.request(invite.method(), invite.requestUri());
    invite.headers().stream().filter(h -> !h.name().equals("Content-Type"))
        .forEach(h -> builder.header(h.name(), h.name().equals("Contact") ? contact : h.value()));
    return SipParser.parse(builder.body(invite.header("Content-Type"), invite.body()).build().toBytes());
  }

  private static SipMessage rebuildBody(SipMessage invite, String contentType, byte[] body) throws Exception {
    SipMessage.Builder builder = SipMessage.request(invite.method(), invite.requestUri());
    invite.headers().stream().filter(h -> !h.name().equals("Content-Type"))
        .forEach(h -> builder.header(h.name(), h.value()));
    return SipParser.parse(builder.body(contentType, body).build().toBytes());
  }

  private static void assertRefused(ThrowingCallable call, int status, String reasonPart) {
    assertThatThrownBy(call).isInstanceOfSatisfying(SiprecException.class, e -> {
      assertThat(e.status()).isEqualTo(status);
      assertThat(e.reason()).contains(reasonPart);
    });
  }
}
