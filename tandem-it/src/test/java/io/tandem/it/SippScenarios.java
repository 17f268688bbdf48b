package io.tandem.it;

import io.tandem.call.Participant;
import io.tandem.capture.siprec.RecordingMetadata;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * sipp scenarios of a SIPREC client (SRC) talking to a recorder: the whole recording, OPTIONS, a late
 * CANCEL, and an offer with nothing to record. Stream {@code i} of an offer is labelled {@code i + 1} and sent by
 * participant {@code i}. Stateless.
 */
final class SippScenarios {
  static final List<Participant> PARTICIPANTS = List.of(new Participant("cDAx", "sip:alice@example.com", "Alice"),
      new Participant("cDAy", "sip:bob@example.com", "Bob"), new Participant("cDAz", "sip:carol@example.com", "Carol"));
  static final String BOUNDARY = "tandem-siprec-boundary";

  private SippScenarios() {}

  /** INVITE with {@code streams} sendonly m-lines, ACK, the pcap played to the answer, BYE after {@code millis}. */
  static String recording(String sessionId, int streams, String pcap, long millis) {
    return scenario(invite(sessionId, streams, metadata(sessionId, streams)) + answered()
        + ack()
        + "<nop><action><exec play_pcap_audio=\"" + pcap + "\"/></action></nop>\n"
        + "<pause milliseconds=\"" + millis + "\"/>\n"
        + bye());
  }

  /**
   * Like {@link #recording}, each m-line offering the formats of {@code formats}: the payload types as the
   * m-line lists them, then their attribute lines, such as {@code "9 0 101\na=rtpmap:101 telephone-event/8000"}.
   */
  static String recording(String sessionId, int streams, String pcap, long millis, String formats) {
    String sdp = sdp(streams, "sendonly").replace(" RTP/AVP 0\na=rtpmap:0 PCMU/8000\n", " RTP/AVP " + formats + "\n");
    return scenario(initialInvite(multipart(sdp, RecordingMetadata.CONTENT_TYPE, new String(metadata(sessionId,
        streams), StandardCharsets.UTF_8).replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", "")))
        + answered() + ack()
        + "<nop><action><exec play_pcap_audio=\"" + pcap + "\"/></action></nop>\n"
        + "<pause milliseconds=\"" + millis + "\"/>\n"
        + bye());
  }

  /**
   * A recording whose session changes while it runs, as a conference or a hold makes an SBC do: a
   * re-INVITE puts stream 2 on hold ({@code a=inactive}) with partial metadata in which Carol joins and Bob
   * leaves, then an UPDATE resumes stream 2; the 200s must answer inactive, then recvonly.
   */
  static String changingRecording(String sessionId, String pcap, long millis, String bobLeft) {
    String partial = """
        <recording xmlns="urn:ietf:params:xml:ns:recording:1">
          <datamode>partial</datamode>
          <participant participant_id="%s"><nameID aor="%s"><name>%s</name></nameID></participant>
          <participantsessionassoc participant_id="%s" session_id="%s">
            <disassociate-time>%s</disassociate-time>
          </participantsessionassoc>
        </recording>""".formatted(PARTICIPANTS.get(2).id(), PARTICIPANTS.get(2).aor(), PARTICIPANTS.get(2).name(),
        PARTICIPANTS.get(1).id(), sessionId, bobLeft);
    long third = millis / 3;
    return scenario(invite(sessionId, 2, metadata(sessionId, 2)) + answered()
        + ack()
        + "<nop><action><exec play_pcap_audio=\"" + pcap + "\"/></action></nop>\n"
        + "<pause milliseconds=\"" + third + "\"/>\n"
        + send(inDialog("INVITE", 2, "multipart/mixed;boundary=" + BOUNDARY, multipart(sdp(2, "inactive"),
            RecordingMetadata.CONTENT_TYPE, partial)))
        + "<recv response=\"100\" optional=\"true\"/>\n"
        + "<recv response=\"200\"><action>"
        + "<ereg regexp=\"a=label:2\\r?\\na=inactive\" search_in=\"body\" check_it=\"true\" assign_to=\"held\"/>"
        + "</action></recv>\n<Reference variables=\"held\"/>\n"
        + sendOnce(inDialog("ACK", 2, null, ""))
        + "<pause milliseconds=\"" + third + "\"/>\n"
        + send(inDialog("UPDATE", 3, "application/sdp", sdp(2, "sendonly")))
        + "<recv response=\"200\"><action>"
        + "<ereg regexp=\"a=label:2\\r?\\na=recvonly\" search_in=\"body\" check_it=\"true\" assign_to=\"resumed\"/>"
        + "</action></recv>\n<Reference variables=\"resumed\"/>\n"
        + "<pause milliseconds=\"" + (millis - 2 * third) + "\"/>\n"
        + bye(4));
  }

  /**
   * A recording offered as SBCs still on the draft schema do: draft metadata under the short
   * {@code application/rs-metadata} type, and an extra {@code application/gtd} part to be ignored.
   */
  static String draftRecording(String sessionId, String pcap, long millis) {
    String draft = """
        <rs:recording xmlns:rs="urn:ietf:params:xml:ns:recording">
          <rs:dataMode>complete</rs:dataMode>
          <rs:session id="%1$s"><rs:start-time>2026-11-27T09:00:00Z</rs:start-time></rs:session>
          <rs:participant id="%2$s" session="%1$s"><rs:nameID aor="%3$s"/><rs:send>s-1</rs:send></rs:participant>
          <rs:participant id="%4$s" session="%1$s"><rs:nameID aor="%5$s"/><rs:send>s-2</rs:send></rs:participant>
          <rs:stream id="s-1" session="%1$s"><rs:label>1</rs:label></rs:stream>
          <rs:stream id="s-2" session="%1$s"><rs:label>2</rs:label></rs:stream>
        </rs:recording>""".formatted(sessionId, PARTICIPANTS.get(0).id(), PARTICIPANTS.get(0).aor(),
        PARTICIPANTS.get(1).id(), PARTICIPANTS.get(1).aor());
    String body = "--" + BOUNDARY + "\nContent-Type: application/gtd\nContent-Disposition: signal;handling=optional\n\n"
        + "IAM,\nPRN,isup*,,NT100,\nUSI,rate,c,s,c,1\n"
        + multipart(sdp(2, "sendonly"), "application/rs-metadata", draft);
    return scenario(initialInvite(body)
        + answered() + ack()
        + "<nop><action><exec play_pcap_audio=\"" + pcap + "\"/></action></nop>\n"
        + "<pause milliseconds=\"" + millis + "\"/>\n"
        + bye(2));
  }

  /** A request inside the dialog with CSeq {@code cseq}; {@code contentType} null for none. */
  private static String inDialog(String method, int cseq, String contentType, String body) {
    return """
        %s sip:srs@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        %s
        CSeq: %d %s
        %sContent-Length: [len]

        %s""".formatted(method, dialogHeaders("To:[$dialog_to]"), cseq, method,
        contentType == null ? "" : "Content-Type: " + contentType + "\n", body);
  }

  /** The body parts of an offer, SDP then metadata, each line ending as sipp sends it. */
  static String multipart(String sdp, String metadataType, String metadata) {
    return """
        --%1$s
        Content-Type: application/sdp

        %2$s
        --%1$s
        Content-Type: %3$s
        Content-Disposition: recording-session

        %4$s
        --%1$s--
        """.formatted(BOUNDARY, sdp.strip(), metadataType, metadata.strip());
  }

  static String sdp(int streams, String direction) {
    StringBuilder sdp = new StringBuilder("v=0\no=src 1 1 IN IP4 [media_ip]\ns=SIPREC\nc=IN IP4 [media_ip]\nt=0 0\n");
    for (int i = 0; i < streams; i++) {
      sdp.append("m=audio ").append(40_000 + 2 * i).append(" RTP/AVP 0\na=rtpmap:0 PCMU/8000\na=label:")
          .append(i + 1).append("\na=").append(i == 1 ? direction : "sendonly").append("\n");
    }
    return sdp.toString();
  }

  static String options() {
    return scenario(send("""
        OPTIONS sip:srs@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        %s
        CSeq: 1 OPTIONS
        Accept: application/sdp
        Content-Length: 0
        """.formatted(dialogHeaders("To: <sip:srs@[remote_ip]:[remote_port]>")))
        + "<recv response=\"200\"/>\n");
  }

  /** INVITE answered, then CANCEL of it (200, no effect on the dialog), ACK and BYE. */
  static String lateCancel(String sessionId) {
    return scenario(invite(sessionId, 2, metadata(sessionId, 2)) + answered()
        + send("""
        CANCEL sip:srs@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-3]
        From: <sip:src@[local_ip]:[local_port]>;tag=[pid]SrcTag[call_number]
        To: <sip:srs@[remote_ip]:[remote_port]>
        Call-ID: [call_id]
        CSeq: 1 CANCEL
        Max-Forwards: 70
        Content-Length: 0
        """)
        + "<recv response=\"200\"/>\n"
        + ack()
        + bye());
  }

  /**
   * An INVITE with nothing to record, its body the recording metadata alone with no SDP offer: answered 488
   * and acknowledged.
   */
  static String nothingToRecord(String sessionId) {
    String xml = new String(metadata(sessionId, 2), StandardCharsets.UTF_8);
    return scenario(send("""
        INVITE sip:srs@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        %s
        CSeq: 1 INVITE
        Require: siprec
        Content-Type: %s
        Content-Length: [len]

        %s""".formatted(dialogHeaders("To: <sip:srs@[remote_ip]:[remote_port]>"), RecordingMetadata.CONTENT_TYPE, xml))
        + "<recv response=\"100\" optional=\"true\"/>\n"
        + "<recv response=\"488\"/>\n"
        + sendOnce("""
        ACK sip:srs@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-3]
        [last_From:]
        [last_To:]
        Call-ID: [call_id]
        CSeq: 1 ACK
        Max-Forwards: 70
        Content-Length: 0
        """));
  }

  static byte[] metadata(String sessionId, int streams) {
    Map<String, String> senders = new LinkedHashMap<>();
    for (int i = 0; i < streams; i++) {
      senders.put(Integer.toString(i + 1), PARTICIPANTS.get(i).id());
    }
    return new RecordingMetadata(sessionId, PARTICIPANTS.subList(0, streams), senders).toXml();
  }

  private static String invite(String sessionId, int streams, byte[] metadata) {
    return initialInvite(multipart(sdp(streams, "sendonly"), RecordingMetadata.CONTENT_TYPE,
        new String(metadata, StandardCharsets.UTF_8).replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", "")));
  }

  /** A new recording session's INVITE whose multipart body (boundary {@link #BOUNDARY}) is {@code body}. */
  private static String initialInvite(String body) {
    return send("""
        INVITE sip:srs@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        %s
        CSeq: 1 INVITE
        Require: siprec
        Content-Type: multipart/mixed;boundary=%s
        Content-Length: [len]

        %s""".formatted(dialogHeaders("To: <sip:srs@[remote_ip]:[remote_port]>"), BOUNDARY, body));
  }

  /**
   * The INVITE's final answer, which fails the call unless its Contact is marked {@code +sip.srs}; its To
   * header (with the recorder's tag) is kept for the dialog.
   */
  static String answered() {
    return "<recv response=\"100\" optional=\"true\"/>\n"
        + "<recv response=\"200\"><action>"
        + "<ereg regexp=\"\\+sip\\.srs\" search_in=\"hdr\" header=\"Contact:\" check_it=\"true\" assign_to=\"srs\"/>"
        + "<ereg regexp=\".*\" search_in=\"hdr\" header=\"To:\" assign_to=\"dialog_to\"/></action></recv>\n"
        + "<Reference variables=\"srs\"/>\n";
  }

  private static String ack() {
    return sendOnce("""
        ACK sip:srs@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        %s
        CSeq: 1 ACK
        Content-Length: 0
        """.formatted(dialogHeaders("To:[$dialog_to]")));
  }

  private static String bye() {
    return bye(2);
  }

  private static String bye(int cseq) {
    return send(inDialog("BYE", cseq, null, "")) + "<recv response=\"200\"/>\n";
  }

  private static String dialogHeaders(String to) {
    return """
        From: <sip:src@[local_ip]:[local_port]>;tag=[pid]SrcTag[call_number]
        %s
        Call-ID: [call_id]
        Contact: <sip:src@[local_ip]:[local_port];transport=[transport]>;+sip.src
        Max-Forwards: 70""".formatted(to);
  }

  static String send(String message) {
    return "<send retrans=\"500\"><![CDATA[\n" + message + "\n]]></send>\n";
  }

  /** A message that is never retransmitted: an ACK. */
  static String sendOnce(String message) {
    return "<send><![CDATA[\n" + message + "\n]]></send>\n";
  }

  static String scenario(String steps) {
    return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<scenario name=\"siprec\">\n" + steps + "</scenario>\n";
  }
}
