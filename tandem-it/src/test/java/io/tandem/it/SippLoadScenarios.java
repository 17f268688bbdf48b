package io.tandem.it;

import io.tandem.call.Participant;
import io.tandem.capture.siprec.RecordingMetadata;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The sipp scenario of a load run: each call is one SIPREC recording of two streams whose session id is
 * a run's prefix followed by sipp's call number, so two sipp processes that run the same scenario against
 * the two recorders of a pair fork each conversation to both, as an SBC does. Stateless.
 */
final class SippLoadScenarios {
  static final List<Participant> PARTICIPANTS = List.of(new Participant("bG9hZDE=", "sip:agent@example.com", "Agent"),
      new Participant("bG9hZDI=", "sip:customer@example.com", "Customer"));
  /** Starts the line that the scenario logs for each answer: the call number and its two RTP ports. */
  static final String ANSWER = "answered";
  private static final String BOUNDARY = "tandem-load-boundary";

  private SippLoadScenarios() {}

  /** The session id, and so the correlation key, of call {@code callNumber} (from 1) of a run. */
  static String sessionId(String prefix, long callNumber) {
    return prefix + "-" + callNumber;
  }

  /**
   * INVITE with two sendonly m-lines, ACK, {@code pcap} played to the answer's first port, BYE after
   * {@code millis}; the call fails unless the recorder answers 200 to the INVITE and to the BYE.
   */
  static String recording(String prefix, String pcap, long millis) {
    String metadata = new String(new RecordingMetadata(prefix + "-[call_number]",
        PARTICIPANTS, Map.of("1", PARTICIPANTS.get(0).id(), "2", PARTICIPANTS.get(1).id())).toXml(),
        StandardCharsets.UTF_8).replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", "").strip();
    String sdp = """
        v=0
        o=src 1 1 IN IP4 [media_ip]
        s=SIPREC
        c=IN IP4 [media_ip]
        t=0 0
        m=audio 40000 RTP/AVP 0
        a=rtpmap:0 PCMU/8000
        a=label:1
        a=sendonly
        m=audio 40002 RTP/AVP 0
        a=rtpmap:0 PCMU/8000
        a=label:2
        a=sendonly""";
    return """
        <?xml version="1.0" encoding="ISO-8859-1"?>
        <scenario name="siprec-load">
        <send retrans="500"><![CDATA[
        INVITE sip:srs@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:src@[local_ip]:[local_port]>;tag=[pid]Load[call_number]
        To: <sip:srs@[remote_ip]:[remote_port]>
        Call-ID: [call_id]
        CSeq: 1 INVITE
        Contact: <sip:src@[local_ip]:[local_port];transport=[transport]>;+sip.src
        Max-Forwards: 70
        Require: siprec
        Content-Type: multipart/mixed;boundary=%1$s
        Content-Length: [len]

        --%1$s
        Content-Type: application/sdp

        %2$s
        --%1$s
        Content-Type: %3$s
        Content-Disposition: recording-session

        %4$s
        --%1$s--
        ]]></send>
        <recv response="100" optional="true"/>
        <recv response="200"><action>
        <ereg regexp=".*" search_in="hdr" header="To:" assign_to="dialog_to"/>
        <ereg regexp="m=audio ([0-9]+)(.|\n)*m=audio ([0-9]+)" search_in="body" check_it="true"
            assign_to="answer,port1,between,port2"/>
        <log message="%7$s [call_number] [$port1] [$port2]"/>
        </action></recv>
        <Reference variables="answer,between"/>
        <send><![CDATA[
        ACK sip:srs@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:src@[local_ip]:[local_port]>;tag=[pid]Load[call_number]
        To:[$dialog_to]
        Call-ID: [call_id]
        CSeq: 1 ACK
        Max-Forwards: 70
        Content-Length: 0
        ]]></send>
        <nop><action><exec play_pcap_audio="%5$s"/></action></nop>
        <pause milliseconds="%6$d"/>
        <send retrans="500"><![CDATA[
        BYE sip:srs@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:src@[local_ip]:[local_port]>;tag=[pid]Load[call_number]
        To:[$dialog_to]
        Call-ID: [call_id]
        CSeq: 2 BYE
        Max-Forwards: 70
        Content-Length: 0
        ]]></send>
        <recv response="200"/>
        </scenario>
        """.formatted(BOUNDARY, sdp, RecordingMetadata.CONTENT_TYPE, metadata, pcap, millis, ANSWER);
  }

  /**
   * Of the answers a run logged, those whose second stream's port is not the first's plus two: sipp plays
   * the capture's second stream to the first port plus two, so such a call's second stream reaches another
   * call, or nobody.
   */
  static List<String> unpairedAnswers(List<String> log) {
    return log.stream().filter(line -> line.startsWith(ANSWER + " ")).filter(line -> {
      String[] fields = line.strip().split(" ");
      return fields.length != 4 || Integer.parseInt(fields[3]) != Integer.parseInt(fields[2]) + 2;
    }).toList();
  }
}
