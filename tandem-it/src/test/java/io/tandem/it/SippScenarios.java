package io.tandem.it;

import io.tandem.call.Participant;
import io.tandem.capture.siprec.RecordingMetadata;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * sipp scenarios of a SIPREC client (SRC) talking to a recorder: the whole recording, OPTIONS, a late
 * CANCEL, and a malformed offer. Stream {@code i} of an offer is labelled {@code i + 1} and sent by
 * participant {@code i}. Stateless.
 */
final class SippScenarios {
  static final List<Participant> PARTICIPANTS = List.of(new Participant("cDAx", "sip:alice@example.com", "Alice"),
      new Participant("cDAy", "sip:bob@example.com", "Bob"), new Participant("cDAz", "sip:carol@example.com", "Carol"));
  private static final String BOUNDARY = "tandem-siprec-boundary";

  private SippScenarios() {}

  /** INVITE with {@code streams} sendonly m-lines, ACK, the pcap played to the answer, BYE after {@code millis}. */
  static String recording(String sessionId, int streams, String pcap, long millis) {
    return scenario(invite(sessionId, streams, metadata(sessionId, streams)) + answered()
        + ack()
        + "<nop><action><exec play_pcap_audio=\"" + pcap + "\"/></action></nop>\n"
        + "<pause milliseconds=\"" + millis + "\"/>\n"
        + bye());
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

  /** An INVITE whose metadata XML never closes its root element: answered 400 and acknowledged. */
  static String malformedMetadata(String sessionId) {
    String xml = new String(metadata(sessionId, 2), StandardCharsets.UTF_8).replace("</recording>", "");
    return scenario(invite(sessionId, 2, xml.getBytes(StandardCharsets.UTF_8))
        + "<recv response=\"100\" optional=\"true\"/>\n"
        + "<recv response=\"400\"/>\n"
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

  private static byte[] metadata(String sessionId, int streams) {
    Map<String, String> senders = new LinkedHashMap<>();
    for (int i = 0; i < streams; i++) {
      senders.put(Integer.toString(i + 1), PARTICIPANTS.get(i).id());
    }
    return new RecordingMetadata(sessionId, PARTICIPANTS.subList(0, streams), senders).toXml();
  }

  private static String invite(String sessionId, int streams, byte[] metadata) {
    StringBuilder sdp = new StringBuilder("v=0\no=src 1 1 IN IP4 [media_ip]\ns=SIPREC\nc=IN IP4 [media_ip]\nt=0 0\n");
    for (int i = 0; i < streams; i++) {
      sdp.append("m=audio ").append(40_000 + 2 * i).append(" RTP/AVP 0\na=rtpmap:0 PCMU/8000\na=label:")
          .append(i + 1).append("\na=sendonly\n");
    }
    return send("""
        INVITE sip:srs@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        %s
        CSeq: 1 INVITE
        Require: siprec
        Content-Type: multipart/mixed;boundary=%s
        Content-Length: [len]

        --%s
        Content-Type: application/sdp

        %s
        --%s
        Content-Type: %s
        Content-Disposition: recording-session

        %s
        --%s--
        """.formatted(dialogHeaders("To: <sip:srs@[remote_ip]:[remote_port]>"), BOUNDARY, BOUNDARY, sdp.toString().strip(),
        BOUNDARY, RecordingMetadata.CONTENT_TYPE, new String(metadata, StandardCharsets.UTF_8).strip(), BOUNDARY))
        .replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", "");
  }

  /**
   * The INVITE's final answer, which fails the call unless its Contact is marked {@code +sip.srs}; its To
   * header (with the recorder's tag) is kept for the dialog.
   */
  private static String answered() {
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
    return send("""
        BYE sip:srs@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        %s
        CSeq: 2 BYE
        Content-Length: 0
        """.formatted(dialogHeaders("To:[$dialog_to]")))
        + "<recv response=\"200\"/>\n";
  }

  private static String dialogHeaders(String to) {
    return """
        From: <sip:src@[local_ip]:[local_port]>;tag=[pid]SrcTag[call_number]
        %s
        Call-ID: [call_id]
        Contact: <sip:src@[local_ip]:[local_port];transport=[transport]>;+sip.src
        Max-Forwards: 70""".formatted(to);
  }

  private static String send(String message) {
    return "<send retrans=\"500\"><![CDATA[\n" + message + "\n]]></send>\n";
  }

  /** A message that is never retransmitted: an ACK. */
  private static String sendOnce(String message) {
    return "<send><![CDATA[\n" + message + "\n]]></send>\n";
  }

  private static String scenario(String steps) {
    return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<scenario name=\"siprec\">\n" + steps + "</scenario>\n";
  }
}
