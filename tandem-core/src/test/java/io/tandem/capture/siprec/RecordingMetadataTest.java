package io.tandem.capture.siprec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.Participant;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordingMetadataTest {
  static final String RFC7865 = """
      <?xml version="1.0" encoding="UTF-8"?>
      <recording xmlns='urn:ietf:params:xml:ns:recording:1'>
        <datamode>complete</datamode>
        <group group_id="7+OTCyoxTmqmqyA/1weDAg==">
          <associate-time>2026-11-26T14:30:00Z</associate-time>
        </group>
        <session session_id="hVpd7YQgRW2nD22h7q60JQ==">
          <sipSessionID>ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2</sipSessionID>
          <group-ref>7+OTCyoxTmqmqyA/1weDAg==</group-ref>
        </session>
        <participant participant_id="srfBElmCRp2QB23b7Mpk0w==">
          <nameID aor="sip:alice@example.com">
            <name xml:lang="en">Alice</name>
          </nameID>
        </participant>
        <participant participant_id="zSfPoSvdSDCmU3A3TRDxAw==">
          <nameID aor="sip:bob@example.net">
            <name xml:lang="en">Bob</name>
          </nameID>
        </participant>
        <stream stream_id="UAAMm5GRQKSCMVvLyl4rFw==" session_id="hVpd7YQgRW2nD22h7q60JQ==">
          <label>96</label>
        </stream>
        <stream stream_id="i1Pz3to5hGk8fuXl+PbwCw==" session_id="hVpd7YQgRW2nD22h7q60JQ==">
          <label>97</label>
        </stream>
        <participantstreamassoc participant_id="srfBElmCRp2QB23b7Mpk0w==">
          <send>i1Pz3to5hGk8fuXl+PbwCw==</send>
          <recv>UAAMm5GRQKSCMVvLyl4rFw==</recv>
        </participantstreamassoc>
        <participantstreamassoc participant_id="zSfPoSvdSDCmU3A3TRDxAw==">
          <send>UAAMm5GRQKSCMVvLyl4rFw==</send>
          <recv>i1Pz3to5hGk8fuXl+PbwCw==</recv>
        </participantstreamassoc>
      </recording>
      """;

  static final String DRAFT = """
      <?xml version="1.0" encoding="UTF-8"?>
      <rs:recording xmlns:rs="urn:ietf:params:xml:ns:recording">
        <rs:dataMode>complete</rs:dataMode>
        <rs:session id="0000FFFF-draft-session">
          <rs:start-time>2026-11-26T14:30:00Z</rs:start-time>
        </rs:session>
        <rs:participant id="p-caller" session="0000FFFF-draft-session">
          <rs:nameID aor="sip:+15550100@carrier.example"><rs:name>Caller</rs:name></rs:nameID>
          <rs:send>s-1</rs:send>
        </rs:participant>
        <rs:participant id="p-agent" session="0000FFFF-draft-session">
          <rs:nameID aor="sip:agent7@contact.example"/>
          <rs:send>s-2</rs:send>
        </rs:participant>
        <rs:stream id="s-1" session="0000FFFF-draft-session"><rs:label>1</rs:label></rs:stream>
        <rs:stream id="s-2" session="0000FFFF-draft-session"><rs:label>2</rs:label></rs:stream>
      </rs:recording>
      """;

  @Test
  void rfc7865MetadataGivesSessionParticipantsAndSendersByLabel() throws Exception {
    RecordingMetadata metadata = RecordingMetadata.parse(RFC7865.getBytes(StandardCharsets.UTF_8));

    assertThat(metadata.sessionId()).isEqualTo("hVpd7YQgRW2nD22h7q60JQ==");
    assertThat(metadata.participants()).containsExactly(
        new Participant("srfBElmCRp2QB23b7Mpk0w==", "sip:alice@example.com", "Alice"),
        new Participant("zSfPoSvdSDCmU3A3TRDxAw==", "sip:bob@example.net", "Bob"));
    assertThat(metadata.senders()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "97", "srfBElmCRp2QB23b7Mpk0w==", "96", "zSfPoSvdSDCmU3A3TRDxAw=="));
  }

  @Test
  void draftMetadataWithPrefixedNamespaceAndSendInParticipantIsRead() throws Exception {
    RecordingMetadata metadata = RecordingMetadata.parse(DRAFT.getBytes(StandardCharsets.UTF_8));

    assertThat(metadata.sessionId()).isEqualTo("0000FFFF-draft-session");
    assertThat(metadata.participants()).containsExactly(
        new Participant("p-caller", "sip:+15550100@carrier.example", "Caller"),
        new Participant("p-agent", "sip:agent7@contact.example", ""));
    assertThat(metadata.senders()).containsExactly(Map.entry("1", "p-caller"), Map.entry("2", "p-agent"));
  }

  @Test
  void metadataWithoutNamespaceIsRead() throws Exception {
    String plain = "<recording><session session_id='s&amp;1'/></recording>";

    assertThat(RecordingMetadata.parse(plain.getBytes(StandardCharsets.UTF_8)).sessionId()).isEqualTo("s&1");
  }

  @Test
  void builtXmlParsesBackToTheSameMetadata() throws Exception {
    RecordingMetadata metadata = new RecordingMetadata("sess<&>\"1", List.of(
        new Participant("a", "sip:a@x", "A & Co"), new Participant("b", "sip:b@y", "")),
        Map.of("1", "a", "2", "b"));

    byte[] xml = metadata.toXml();

    assertThat(new String(xml, StandardCharsets.UTF_8)).contains("urn:ietf:params:xml:ns:recording:1");
    RecordingMetadata reparsed = RecordingMetadata.parse(xml);
    assertThat(reparsed.sessionId()).isEqualTo(metadata.sessionId());
    assertThat(reparsed.participants()).isEqualTo(metadata.participants());
    assertThat(reparsed.senders()).isEqualTo(metadata.senders());
  }

  @Test
  void doctypeAndExternalEntitiesAreRefused() {
    String xxe = "<?xml version='1.0'?><!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
        + "<recording><session session_id='&x;'/></recording>";

    assertThatThrownBy(() -> RecordingMetadata.parse(xxe.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MetadataException.class).hasMessageContaining("DOCTYPE");
  }

  @Test
  void malformedOrIncompleteMetadataIsRefusedWithAReason() {
    assertThatThrownBy(() -> RecordingMetadata.parse("<recording><session".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MetadataException.class).hasMessageContaining("well-formed");
    assertThatThrownBy(() -> RecordingMetadata.parse("<recording/>".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("session_id");
    assertThatThrownBy(() -> RecordingMetadata.parse("<other/>".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("<recording>");
    assertThatThrownBy(() -> RecordingMetadata.parse(new byte[RecordingMetadata.MAX_BYTES + 1]))
        .hasMessageContaining("at most");
    assertThatThrownBy(() -> RecordingMetadata.parse(new byte[0])).hasMessageContaining("empty");
  }

  @Test
  void joinAndLeaveTimesComeFromSessionAssociationsOrTheDraftsParticipant() throws Exception {
    String rfc = RFC7865.replace("  <participantstreamassoc participant_id=\"srfBElmCRp2QB23b7Mpk0w==\">", """
          <participantsessionassoc participant_id="srfBElmCRp2QB23b7Mpk0w==" session_id="hVpd7YQgRW2nD22h7q60JQ==">
            <associate-time>2026-11-26T14:30:00Z</associate-time>
            <disassociate-time>2026-11-26T14:41:07.5+01:00</disassociate-time>
          </participantsessionassoc>
          <participantstreamassoc participant_id="srfBElmCRp2QB23b7Mpk0w==">""");
    String draft = DRAFT.replace("<rs:send>s-2</rs:send>",
        "<rs:send>s-2</rs:send><rs:associate-time>2026-11-26T14:31:00Z</rs:associate-time>");

    RecordingMetadata metadata = RecordingMetadata.parse(rfc.getBytes(StandardCharsets.UTF_8));
    RecordingMetadata old = RecordingMetadata.parse(draft.getBytes(StandardCharsets.UTF_8));

    assertThat(metadata.participants().get(0).joined()).isEqualTo(java.time.Instant.parse("2026-11-26T14:30:00Z"));
    assertThat(metadata.participants().get(0).left()).isEqualTo(java.time.Instant.parse("2026-11-26T13:41:07.5Z"));
    assertThat(metadata.participants().get(1).joined()).isNull();
    assertThat(old.participants().get(1).joined()).isEqualTo(java.time.Instant.parse("2026-11-26T14:31:00Z"));
    assertThat(RecordingMetadata.parse(metadata.toXml()).participants()).isEqualTo(metadata.participants());
  }

  @Test
  void aPartialUpdateNeedNotRepeatTheSessionButANewSessionMust() throws Exception {
    byte[] partial = """
        <recording xmlns="urn:ietf:params:xml:ns:recording:1"><datamode>partial</datamode>
          <participant participant_id="p9"><nameID aor="sip:dave@example.com"/></participant>
        </recording>""".getBytes(StandardCharsets.UTF_8);
    byte[] badTime = RFC7865.replace("<datamode>complete</datamode>", """
        <participantsessionassoc participant_id="x"><associate-time>yesterday</associate-time></participantsessionassoc>""")
        .getBytes(StandardCharsets.UTF_8);

    assertThat(RecordingMetadata.parseUpdate(partial).sessionId()).isEmpty();
    assertThat(RecordingMetadata.parseUpdate(partial).participants()).extracting(Participant::aor)
        .containsExactly("sip:dave@example.com");
    assertThatThrownBy(() -> RecordingMetadata.parse(partial)).isInstanceOf(MetadataException.class)
        .hasMessageContaining("session_id");
    assertThat(RecordingMetadata.parse(badTime).quirks()).containsExactly("time-unreadable");
    assertThat(RecordingMetadata.parse(badTime).associations().get("x"))
        .isEqualTo(new RecordingMetadata.Association(null, null));
  }

  /** Shaped as Oracle/Acme SBCs send it: draft namespace, ids in id attributes, unzoned times, apkt extension data. */
  static final String ACME = """
      <?xml version='1.0' encoding='UTF-8'?>
      <recording xmlns='urn:ietf:params:xml:ns:recording'>
        <datamode>complete</datamode>
        <session id="7lGnJd1eQKxMuD0w2z3yXA==">
          <associate-time>2026-11-26T14:30:05</associate-time>
          <extensiondata xmlns:apkt="http:/acmepacket.com/siprec/extensiondata">
            <apkt:ucid>00FA080019001038F725B3;encoding=hex</apkt:ucid>
            <apkt:callerOrig>true</apkt:callerOrig>
          </extensiondata>
        </session>
        <participant id="caller-id==" session="7lGnJd1eQKxMuD0w2z3yXA==">
          <nameID aor="sip:+15550100@carrier.example"><name>Caller</name></nameID>
          <send>stream-a==</send>
          <associate-time>2026-11-26T14:30:05</associate-time>
          <extensiondata xmlns:apkt="http://acmepacket.com/siprec/extensiondata">
            <apkt:callingParty>true</apkt:callingParty>
          </extensiondata>
        </participant>
        <participant id="callee-id==" session="7lGnJd1eQKxMuD0w2z3yXA==">
          <nameID aor="sip:7001@pbx.example"/>
          <send>stream-b==</send>
        </participant>
        <stream id="stream-a==" session="7lGnJd1eQKxMuD0w2z3yXA=="><label>1001</label><mode>separate</mode></stream>
        <stream id="stream-b==" session="7lGnJd1eQKxMuD0w2z3yXA=="><label>1002</label><mode>separate</mode></stream>
      </recording>
      """;

  @Test
  void acmeShapedMetadataIsReadWithItsUnzonedTimesAsUtcAndItsUcidAsTheSipIdentity() throws Exception {
    RecordingMetadata metadata = RecordingMetadata.parse(ACME.getBytes(StandardCharsets.UTF_8));

    assertThat(metadata.sessionId()).isEqualTo("7lGnJd1eQKxMuD0w2z3yXA==");
    assertThat(metadata.participants()).extracting(Participant::aor)
        .containsExactly("sip:+15550100@carrier.example", "sip:7001@pbx.example");
    assertThat(metadata.participants().get(0).joined()).isEqualTo(Instant.parse("2026-11-26T14:30:05Z"));
    assertThat(metadata.senders()).containsExactly(Map.entry("1001", "caller-id=="), Map.entry("1002", "callee-id=="));
    assertThat(metadata.sipIdentity()).isEqualTo("00FA080019001038F725B3");
    assertThat(metadata.quirks()).containsExactly("metadata-draft-schema", "time-without-zone");
    assertThat(metadata.unknownIds(Set.of())).isEmpty();
  }

  @Test
  void theSipSessionIdIsTheIdentityWithoutWhiteSpaceAndAVendorCallIdStandsInWithoutOne() throws Exception {
    String sipSessionId = "<sipSessionID>ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2"
        + "</sipSessionID>";
    String spaced = RFC7865.replace(sipSessionId,
        "<sipSessionID> AB30317F1A784DC48FF824D0D3715D86; remote=47755a9de7794ba387653f2099600ef2 </sipSessionID>");
    String callData = RFC7865.replace(sipSessionId, "").replace("<datamode>complete</datamode>",
        "<datamode>complete</datamode><extensiondata xmlns:x='urn:example:sbc'><x:callData>"
            + "<x:Call-ID>a84b4c76e66710@pc33.example</x:Call-ID></x:callData></extensiondata>");

    String expected = "ab30317f1a784dc48ff824d0d3715d86;remote=47755a9de7794ba387653f2099600ef2";
    assertThat(RecordingMetadata.parse(RFC7865.getBytes(StandardCharsets.UTF_8)).sipIdentity()).isEqualTo(expected);
    assertThat(RecordingMetadata.parse(spaced.getBytes(StandardCharsets.UTF_8)).sipIdentity()).isEqualTo(expected);
    assertThat(RecordingMetadata.parse(callData.getBytes(StandardCharsets.UTF_8)).sipIdentity())
        .isEqualTo("a84b4c76e66710@pc33.example");
    assertThat(RecordingMetadata.parse(DRAFT.getBytes(StandardCharsets.UTF_8)).sipIdentity()).isEmpty();
  }

  @Test
  void rfc7865MetadataShowsNoQuirkAndTheDraftSchemaIsNotedWithOrWithoutItsNamespace() throws Exception {
    String unprefixedDraft = DRAFT.replace("rs:", "").replace(" xmlns:rs=\"urn:ietf:params:xml:ns:recording\"", "");

    assertThat(RecordingMetadata.parse(RFC7865.getBytes(StandardCharsets.UTF_8)).quirks()).isEmpty();
    assertThat(RecordingMetadata.parse(DRAFT.getBytes(StandardCharsets.UTF_8)).quirks())
        .containsExactly("metadata-draft-schema");
    assertThat(RecordingMetadata.parse(unprefixedDraft.getBytes(StandardCharsets.UTF_8)).quirks())
        .containsExactly("metadata-draft-schema");
  }

  @Test
  void participantsWithoutIdOrNameStreamsWithEmptyIdsAndUnknownIdsAreTaken() throws Exception {
    String odd = """
        <recording xmlns="urn:ietf:params:xml:ns:recording:1">
          <session session_id="s1"/>
          <participant><nameID aor="sip:anon@example.com"/></participant>
          <participant participant_id="p2"><nameID aor="sip:bob@example.com"/></participant>
          <stream stream_id="" session_id="s1"><label>1</label></stream>
          <stream stream_id="st2" session_id="s1"><label>2</label></stream>
          <participantstreamassoc participant_id="p2"><send>st2</send><recv>st9</recv></participantstreamassoc>
          <participantsessionassoc participant_id="p7" session_id="s1"/>
          <vendor:thing xmlns:vendor="urn:example:vendor">kept raw by the recorder</vendor:thing>
        </recording>""";

    RecordingMetadata metadata = RecordingMetadata.parse(odd.getBytes(StandardCharsets.UTF_8));

    assertThat(metadata.participants()).containsExactly(new Participant("participant-1", "sip:anon@example.com", ""),
        new Participant("p2", "sip:bob@example.com", ""));
    assertThat(metadata.senders()).containsExactly(Map.entry("2", "p2"));
    assertThat(metadata.quirks()).containsExactly("metadata-participant-without-id");
    assertThat(metadata.unknownIds(Set.of())).containsExactlyInAnyOrder("st9", "p7");
    assertThat(metadata.unknownIds(Set.of("st9", "p7"))).isEmpty();
  }
}
