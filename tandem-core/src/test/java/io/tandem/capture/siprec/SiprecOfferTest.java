package io.tandem.capture.siprec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.Participant;
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
import java.util.Map;
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
  static final String BOUNDARY = "multipart/mixed;boundary=OSS-unique-boundary-42";
  static final String CALL_ID = "3848276298220188511@192.0.2.10";

  static SipMessage invite(String require, String contentType, String sdp, String metadata) throws Exception {
    byte[] body = Multipart.build("OSS-unique-boundary-42", List.of(
        new BodyPart("application/sdp", sdp.getBytes(StandardCharsets.UTF_8)),
        new BodyPart("application/rs-metadata+xml", Map.of("Content-Disposition", "recording-session"),
            metadata.getBytes(StandardCharsets.UTF_8))));
    return withBody(require, "<sip:sbc@192.0.2.10>;+sip.src", contentType, body);
  }

  /** An INVITE with the given Require (null for none), Contact (null for none), Content-Type and body. */
  static SipMessage withBody(String require, String contact, String contentType, byte[] body) throws Exception {
    SipMessage.Builder builder = SipMessage.request("INVITE", "sip:recorder@127.0.0.1:5070")
        .header("Via", "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK74bf9")
        .header("Max-Forwards", "70")
        .header("From", "<sip:sbc@192.0.2.10>;tag=9fxced76sl")
        .header("To", "<sip:recorder@127.0.0.1>")
        .header("Call-ID", CALL_ID)
        .header("CSeq", "101 INVITE");
    if (contact != null) {
      builder.header("Contact", contact);
    }
    if (require != null) {
      builder.header("Require", require);
    }
    return SipParser.parse(builder.body(contentType, body).build().toBytes());
  }

  static SipMessage realistic() throws Exception {
    return invite("replaces, siprec", BOUNDARY, SDP, RecordingMetadataTest.RFC7865);
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
  void realisticInviteBecomesAnOfferWithLabelledStreamsInOrder() throws Exception {
    SiprecOffer offer = SiprecOffer.from(realistic());

    assertThat(offer.callId()).isEqualTo(CALL_ID);
    assertThat(offer.sessionId()).isEqualTo("hVpd7YQgRW2nD22h7q60JQ==");
    assertThat(offer.correlationKey()).isEqualTo("hVpd7YQgRW2nD22h7q60JQ==");
    assertThat(offer.sipIdentity()).isEqualTo("ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2");
    assertThat(offer.quirks()).isEmpty();
    assertThat(offer.speaksSiprec()).isTrue();
    assertThat(offer.metadataPart()).hasValueSatisfying(part -> assertThat(part.mediaType())
        .isEqualTo("application/rs-metadata+xml"));
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
  void anInviteWithMetadataIsARecordingWithoutRequireSiprec() throws Exception {
    SiprecOffer offer = SiprecOffer.from(invite(null, BOUNDARY, SDP, RecordingMetadataTest.RFC7865));

    assertThat(offer.streams()).hasSize(2);
    assertThat(offer.quirks()).containsExactly("no-require-siprec");
    assertThat(offer.speaksSiprec()).isFalse();
    assertThat(offer.correlationKey()).isEqualTo("hVpd7YQgRW2nD22h7q60JQ==");
  }

  @Test
  void everyPlaceOfTheRecordingClientTagIsTakenAndItsOddPlacesNoted() throws Exception {
    assertThat(quirksWithContact("<sip:sbc@192.0.2.10>;+sip.src")).isEmpty();
    assertThat(quirksWithContact("\"SBC \\\"one\\\"\" <sip:sbc@192.0.2.10>;expires=60;+SIP.SRC")).isEmpty();
    assertThat(quirksWithContact("sip:sbc@192.0.2.10;+sip.src")).isEmpty();
    assertThat(quirksWithContact("<sip:sbc@192.0.2.10;transport=tcp;+sip.src>")).containsExactly("src-tag-in-uri");
    assertThat(quirksWithContact("<sip:sbc@192.0.2.10>;src")).containsExactly("src-tag-legacy");
    assertThat(quirksWithContact("<sip:sbc@192.0.2.10>")).containsExactly("no-src-tag");
    assertThat(quirksWithContact(null)).containsExactly("no-src-tag");
    assertThat(quirksWithContact("<sip:sbc@192.0.2.10;+sip.src")).containsExactly("contact-malformed");
    assertThat(quirksWithContact("\"SBC <sip:sbc@192.0.2.10>")).containsExactly("contact-malformed", "no-src-tag");
    assertThat(quirksWithContact("<sip:a@192.0.2.10>, <sip:b@192.0.2.11>;+sip.src")).isEmpty();
  }

  @Test
  void aPlainInviteWithSdpOnlyIsRecordedWithItsParticipantsFromTheHeadersAndKeyedByCallId() throws Exception {
    SipMessage plain = SipParser.parse(SipMessage.request("INVITE", "sip:recorder@127.0.0.1")
        .header("Via", "SIP/2.0/UDP 192.0.2.20;branch=z9hG4bK1").header("From", "\"Alice\" <sip:+15550100@carrier.example;user=phone>;tag=1")
        .header("To", "<sip:7001@pbx.example>").header("Call-ID", "nbr-1@192.0.2.20").header("CSeq", "1 INVITE")
        .header("P-Asserted-Identity", "\"Alice A.\" <sip:+15550100@carrier.example>, <tel:+15550100>")
        .header("Diversion", "<sip:7000@pbx.example>;reason=unconditional").header("Contact", "<sip:cube@192.0.2.20>")
        .body("application/sdp", SDP.getBytes(StandardCharsets.UTF_8)).build().toBytes());

    SiprecOffer offer = SiprecOffer.from(plain);

    assertThat(offer.quirks()).containsExactly("no-metadata");
    assertThat(offer.correlationKey()).isEqualTo("nbr-1@192.0.2.20");
    assertThat(offer.sessionId()).isEmpty();
    assertThat(offer.sipIdentity()).isEmpty();
    assertThat(offer.metadataPart()).isEmpty();
    assertThat(offer.participants()).containsExactly(new Participant("from", "sip:+15550100@carrier.example", "Alice"),
        new Participant("to", "sip:7001@pbx.example", ""), new Participant("pai", "tel:+15550100", ""),
        new Participant("diversion", "sip:7000@pbx.example", ""));
    assertThat(offer.streams()).extracting(OfferedStream::label).containsExactly("96", "97");
  }

  @Test
  void aMultipartBodyWithoutMetadataIsAPlainInviteToo() throws Exception {
    byte[] onlySdp = Multipart.build("b", List.of(new BodyPart("application/sdp", SDP.getBytes(StandardCharsets.UTF_8))));

    SiprecOffer offer = SiprecOffer.from(withBody("siprec", "<sip:sbc@192.0.2.10>;+sip.src", "multipart/mixed;boundary=b",
        onlySdp));

    assertThat(offer.quirks()).containsExactly("no-metadata");
    assertThat(offer.participants()).extracting(Participant::id).containsExactly("from", "to");
  }

  @Test
  void metadataFirstExtraPartsAndAnyCaseAreTaken() throws Exception {
    String body = "--b\r\ncontent-type: Application/RS-Metadata\r\n\r\n" + RecordingMetadataTest.RFC7865 + "\r\n"
        + "--b\r\nContent-Type: application/gtd\r\n\r\nIAM,\r\nPRN,isup*,,NT100,\r\n"
        + "--b\r\nContent-Type: application/ISUP;version=itu-t92+\r\nContent-Disposition: signal;handling=optional\r\n\r\n"
        + "\u0001\u0002\u0003\r\n"
        + "--b\r\nCONTENT-TYPE: APPLICATION/SDP\r\n\r\n" + SDP + "\r\n--b--\r\n";

    SiprecOffer offer = SiprecOffer.from(withBody("siprec", "<sip:sbc@192.0.2.10>;+sip.src", "Multipart/Mixed;Boundary=b",
        body.getBytes(StandardCharsets.UTF_8)));

    assertThat(offer.sessionId()).isEqualTo("hVpd7YQgRW2nD22h7q60JQ==");
    assertThat(offer.streams()).extracting(OfferedStream::label).containsExactly("96", "97");
    assertThat(offer.quirks()).isEmpty();
  }

  @Test
  void paddedAndUnclosedMultipartBodiesAreRecordedWithTheirQuirks() throws Exception {
    String body = "--metaswitch-boundary   \r\nContent-Type: application/sdp\r\n\r\n" + SDP
        + "--metaswitch-boundary   \r\nContent-Type: application/rs-metadata+xml\r\n\r\n" + RecordingMetadataTest.RFC7865;

    SiprecOffer offer = SiprecOffer.from(withBody("siprec", "<sip:sbc@192.0.2.10>;+sip.src",
        "multipart/mixed;boundary=\"metaswitch-boundary \"", body.getBytes(StandardCharsets.UTF_8)));

    assertThat(offer.streams()).hasSize(2);
    assertThat(offer.sessionId()).isEqualTo("hVpd7YQgRW2nD22h7q60JQ==");
    assertThat(offer.quirks()).containsExactly("mime-padded-boundary", "mime-no-closing-delimiter");
  }

  @Test
  void unreadableMetadataIsRecordedKeyedByCallIdWithItsPartiesFromTheHeadersAndTheRawPartKept() throws Exception {
    SipMessage broken = invite("siprec", BOUNDARY, SDP, "<recording xmlns:apkt=http://acmepacket.com/>");

    SiprecOffer offer = SiprecOffer.from(broken);

    assertThat(offer.quirks()).containsExactly("metadata-unreadable");
    assertThat(offer.correlationKey()).isEqualTo(CALL_ID);
    assertThat(offer.participants()).extracting(Participant::id).containsExactly("from", "to");
    assertThat(offer.metadata()).isEmpty();
    assertThat(offer.metadataPart()).hasValueSatisfying(part -> assertThat(new String(part.content(),
        StandardCharsets.UTF_8)).isEqualTo("<recording xmlns:apkt=http://acmepacket.com/>"));
  }

  @Test
  void metadataWithAnUndeclaredPrefixIsReadWithoutNamespacesAndSaysSo() throws Exception {
    String metadata = RecordingMetadataTest.RFC7865.replace("</session>",
        "<ac:GenesysUUID xmlns=\"urn:ietf:params:xml:ns:Genesys\">7QJ2M0K5NH3A</ac:GenesysUUID></session>");

    SiprecOffer offer = SiprecOffer.from(invite("siprec", BOUNDARY, SDP, metadata));

    assertThat(offer.quirks()).containsExactly("metadata-undeclared-prefix");
    assertThat(offer.correlationKey()).isEqualTo("hVpd7YQgRW2nD22h7q60JQ==");
    assertThat(offer.participants()).extracting(Participant::aor)
        .containsExactly("sip:alice@example.com", "sip:bob@example.net");
  }

  @Test
  void metadataOfTheDraftSchemaWithUnzonedTimesUnknownIdsAndNoSessionIsRecordedWithEachQuirk() throws Exception {
    String noSession = RecordingMetadataTest.RFC7865.replaceAll("(?s)<session session_id.*?</session>", "")
        .replace("<send>UAAMm5GRQKSCMVvLyl4rFw==</send>", "<send>no-such-stream</send>");

    SiprecOffer acme = SiprecOffer.from(invite("siprec", BOUNDARY, SDP.replace("label:96", "label:1001")
        .replace("label:97", "label:1002"), RecordingMetadataTest.ACME));
    SiprecOffer anonymous = SiprecOffer.from(invite("siprec", BOUNDARY, SDP, noSession));

    assertThat(acme.quirks()).containsExactly("metadata-draft-schema", "time-without-zone");
    assertThat(acme.streams()).extracting(OfferedStream::participantId).containsExactly("caller-id==", "callee-id==");
    assertThat(acme.sipIdentity()).isEqualTo("00FA080019001038F725B3");
    assertThat(anonymous.quirks()).containsExactly("metadata-no-session-id", "metadata-unknown-ids");
    assertThat(anonymous.correlationKey()).isEqualTo(CALL_ID);
  }

  @Test
  void anSdpWithoutConnectionLabelsOrSendonlyIsRecordedStreamByStream() throws Exception {
    String sdp = "v=0\r\no=SBC 1 1 IN IP4 192.0.2.10\r\ns=-\r\nt=0 0\r\n"
        + "m=audio 36000 RTP/AVP 0\r\na=ptime:10\r\na=inactive\r\n"
        + "m=video 36004 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
        + "m=audio 36002 RTP/AVP 8\r\na=ptime:60\r\na=recvonly\r\n"
        + "m=audio 36006 RTP/AVP 0\r\na=label:3\r\n";

    SiprecOffer offer = SiprecOffer.from(invite("siprec", BOUNDARY, sdp, RecordingMetadataTest.RFC7865));
    SessionDescription answer = Sdp.parse(SiprecAnswer.sdp("127.0.0.1", 7, offer.streams(), List.of(40000, 40002,
        40004)));

    assertThat(offer.quirks()).containsExactly("no-c-line", "no-label", "starts-inactive", "starts-recvonly",
        "starts-sendrecv");
    // The third line's position label 3 is taken by the fourth line's own label.
    assertThat(offer.streams()).extracting(OfferedStream::label).containsExactly("1", "stream-3", "3");
    assertThat(offer.streams()).extracting(OfferedStream::address).containsOnly("");
    assertThat(offer.streams()).extracting(OfferedStream::held).containsExactly(true, true, false);
    assertThat(answer.media()).extracting(MediaDescription::direction).containsExactly("inactive", "inactive",
        "recvonly");
  }

  @Test
  void aStreamWithoutG711IsTakenToSendItsFirstAudioFormatWhichIsDecodedLater() throws Exception {
    String sdp = SDP.replace("RTP/AVP 18 8 0", "RTP/AVP 101 18 9\r\na=rtpmap:101 telephone-event/8000\r\n"
        + "a=fmtp:101 0-15").replace("a=rtpmap:8 PCMA/8000\r\n", "");

    SiprecOffer offer = SiprecOffer.from(invite("siprec", BOUNDARY, sdp, RecordingMetadataTest.RFC7865));

    assertThat(offer.streams().get(0).payloadType()).isEqualTo(18);
    assertThat(offer.streams().get(0).formats()).extracting(PayloadFormat::encoding)
        .containsExactly("TELEPHONE-EVENT", "G729", "G722");
    assertThat(offer.quirks()).isEmpty();
    assertThat(Sdp.parse(SiprecAnswer.sdp("127.0.0.1", 7, offer.streams(), List.of(40000, 40002))).media().get(0)
        .formats()).containsExactly(101, 18, 9);
  }

  @Test
  void aStreamInACodecNobodyDecodesSaysSo() throws Exception {
    String sdp = SDP.replace("RTP/AVP 18 8 0", "RTP/AVP 98\r\na=rtpmap:98 AMR/8000")
        .replace("a=rtpmap:8 PCMA/8000\r\n", "");

    SiprecOffer offer = SiprecOffer.from(invite("siprec", BOUNDARY, sdp, RecordingMetadataTest.RFC7865));

    assertThat(offer.quirks()).containsExactly("codec-unsupported:AMR");
  }

  @Test
  void anInviteWithNothingToRecordIsRefusedSayingWhatWasExpected() throws Exception {
    byte[] metadataOnly = RecordingMetadataTest.RFC7865.getBytes(StandardCharsets.UTF_8);
    SipMessage noSdp = withBody("siprec", "<sip:sbc@192.0.2.10>;+sip.src", RecordingMetadata.CONTENT_TYPE,
        metadataOnly);
    SipMessage noAudio = invite("siprec", BOUNDARY, SDP.substring(0, SDP.indexOf("m=audio")),
        RecordingMetadataTest.RFC7865);
    SipMessage badSdp = invite("siprec", BOUNDARY, "v=1\r\n", RecordingMetadataTest.RFC7865);
    SipMessage noDelimiter = withBody("siprec", null, "multipart/mixed;boundary=x",
        "no parts here".getBytes(StandardCharsets.UTF_8));

    assertRefused(() -> SiprecOffer.from(noSdp), 488, "no-sdp", "expected an SDP offer");
    assertRefused(() -> SiprecOffer.from(noAudio), 488, "no-audio", "expected at least one m=audio line");
    assertRefused(() -> SiprecOffer.from(badSdp), 400, "sdp-unreadable", "v=0");
    assertRefused(() -> SiprecOffer.from(noDelimiter), 400, "body-unreadable", "boundary");
  }

  private static List<String> quirksWithContact(String contact) throws Exception {
    SipMessage realistic = realistic();
    return SiprecOffer.from(withBody("siprec", contact, realistic.header("Content-Type"), realistic.body())).quirks();
  }

  private static void assertRefused(ThrowingCallable call, int status, String kind, String reasonPart) {
    assertThatThrownBy(call).isInstanceOfSatisfying(SiprecException.class, e -> {
      assertThat(e.status()).isEqualTo(status);
      assertThat(e.kind()).isEqualTo(kind);
      assertThat(e.reason()).contains(reasonPart);
    });
  }
}
