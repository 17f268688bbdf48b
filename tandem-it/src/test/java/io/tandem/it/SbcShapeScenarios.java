package io.tandem.it;

import io.tandem.call.Participant;
import io.tandem.capture.siprec.RecordingMetadata;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * sipp scenarios of a recording client that speaks SIPREC as shipping SBCs do, one oddity each: no
 * {@code Require: siprec}, the older {@code ;src} tag, {@code +sip.src} inside the URI, padded delimiters and a
 * padded boundary, metadata before the SDP, the metadata only in an UPDATE after an SDP-only INVITE, a stream
 * that starts inactive and is resumed by a re-INVITE, and a plain INVITE with no metadata at all. Each plays
 * two streams of the pcap and ends with a BYE. Run with its shape's {@link #callId} as sipp's Call-ID, the same
 * scenario sent to both recorders of a pair is the same INVITE forked by an SBC. Stateless.
 */
final class SbcShapeScenarios {
  /** The participants a plain INVITE's headers name: From, To and P-Asserted-Identity. */
  static final List<Participant> SIGNALLED = List.of(new Participant("from", "sip:alice@example.com", "Alice"),
      new Participant("to", "sip:7001@pbx.example", ""), new Participant("pai", "tel:+15550100", ""));
  private static final String TAGGED = "<sip:src@[local_ip]:[local_port];transport=[transport]>;+sip.src";
  private static final String PAD = "   ";

  /** One way of sending a recording: its scenario and what the recorder must make of it. */
  record Shape(String name, String scenario, List<String> quirks, List<String> participantIds) {}

  private SbcShapeScenarios() {}

  static List<Shape> all(String pcap, long millis) {
    List<String> metadataIds = SippScenarios.PARTICIPANTS.subList(0, 2).stream().map(Participant::id).toList();
    return List.of(
        new Shape("no-require", recording("", TAGGED, multipart("no-require", false, false), pcap,
            millis), List.of("no-require-siprec"), metadataIds),
        new Shape("legacy-src", recording("Require: siprec\n",
            "<sip:src@[local_ip]:[local_port];transport=[transport]>;src", multipart("legacy-src", false, false), pcap,
            millis), List.of("src-tag-legacy"), metadataIds),
        new Shape("src-in-uri", recording("Require: siprec\n",
            "<sip:src@[local_ip]:[local_port];transport=[transport];+sip.src>", multipart("src-in-uri", false, false),
            pcap, millis), List.of("src-tag-in-uri"), metadataIds),
        new Shape("padded", recording("Require: siprec\n", TAGGED, multipart("padded", false, true), pcap,
            millis), List.of("mime-padded-boundary"), metadataIds),
        new Shape("metadata-first", recording("Require: siprec\n", TAGGED,
            multipart("metadata-first", true, false), pcap, millis), List.of(), metadataIds),
        new Shape("metadata-in-update", metadataInUpdate("metadata-in-update", pcap, millis),
            List.of("no-metadata", "metadata-late"), List.of("from", "to", metadataIds.get(0), metadataIds.get(1))),
        new Shape("starts-inactive", startsInactive("starts-inactive", pcap, millis), List.of("starts-inactive"),
            metadataIds),
        new Shape("plain", plain(pcap, millis), List.of("no-metadata"),
            SIGNALLED.stream().map(Participant::id).toList()));
  }

  /** The correlation key the recorder gives a shape's call: its session id, or its Call-ID without metadata. */
  static String key(Shape shape) {
    return shape.quirks().contains("no-metadata") ? callId(shape.name()) : sessionId(shape.name());
  }

  static String callId(String name) {
    return "shape-" + name + "@sbc.example";
  }

  private static String sessionId(String name) {
    return "shape-" + name + "-session";
  }

  private static String recording(String require, String contact, Body body, String pcap, long millis) {
    return SippScenarios.scenario(body.assignments + invite(require, contact, body.contentType, body.text)
        + SippScenarios.answered() + ack(contact) + play(pcap) + pause(millis) + bye(contact, 2));
  }

  /** An SDP-only INVITE that names siprec; its metadata, complete, comes alone in an UPDATE once answered. */
  private static String metadataInUpdate(String name, String pcap, long millis) {
    return SippScenarios.scenario(invite("Require: siprec\n", TAGGED, "application/sdp",
            SippScenarios.sdp(2, "sendonly").strip())
        + SippScenarios.answered() + ack(TAGGED) + play(pcap) + pause(millis / 3)
        + SippScenarios.send(inDialog(TAGGED, "UPDATE", 2, RecordingMetadata.CONTENT_TYPE, metadata(name)))
        + "<recv response=\"200\"/>\n" + pause(millis - millis / 3) + bye(TAGGED, 3));
  }

  /** Stream 2 offered inactive, answered inactive; a re-INVITE resumes it, answered recvonly. */
  private static String startsInactive(String name, String pcap, long millis) {
    Body body = new Body("", "multipart/mixed;boundary=" + SippScenarios.BOUNDARY,
        SippScenarios.multipart(SippScenarios.sdp(2, "inactive"), RecordingMetadata.CONTENT_TYPE, metadata(name)));
    return SippScenarios.scenario(invite("Require: siprec\n", TAGGED, body.contentType, body.text)
        + "<recv response=\"100\" optional=\"true\"/>\n"
        + "<recv response=\"200\"><action>"
        + "<ereg regexp=\"a=label:2\\r?\\na=inactive\" search_in=\"body\" check_it=\"true\" assign_to=\"idle\"/>"
        + "<ereg regexp=\".*\" search_in=\"hdr\" header=\"To:\" assign_to=\"dialog_to\"/></action></recv>\n"
        + "<Reference variables=\"idle\"/>\n"
        + ack(TAGGED) + play(pcap) + pause(millis / 3)
        + SippScenarios.send(inDialog(TAGGED, "INVITE", 2, "application/sdp",
            SippScenarios.sdp(2, "sendonly").strip()))
        + "<recv response=\"100\" optional=\"true\"/>\n"
        + "<recv response=\"200\"><action>"
        + "<ereg regexp=\"a=label:2\\r?\\na=recvonly\" search_in=\"body\" check_it=\"true\" assign_to=\"resumed\"/>"
        + "</action></recv>\n<Reference variables=\"resumed\"/>\n"
        + SippScenarios.sendOnce(inDialog(TAGGED, "ACK", 2, null, ""))
        + pause(millis - millis / 3) + bye(TAGGED, 3));
  }

  /** An INVITE with SDP alone, no siprec, no feature tag: Alice calls 7001, asserted as +15550100. */
  private static String plain(String pcap, long millis) {
    String contact = "<sip:cube@[local_ip]:[local_port];transport=[transport]>";
    return SippScenarios.scenario(SippScenarios.send("""
        INVITE sip:srs@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: "Alice" <sip:alice@example.com>;tag=[pid]SrcTag[call_number]
        To: <sip:7001@pbx.example>
        Call-ID: [call_id]
        CSeq: 1 INVITE
        P-Asserted-Identity: <tel:+15550100>
        Contact: %s
        Max-Forwards: 70
        Content-Type: application/sdp
        Content-Length: [len]

        %s""".formatted(contact, SippScenarios.sdp(2, "sendonly").strip()))
        + "<recv response=\"100\" optional=\"true\"/>\n"
        + "<recv response=\"200\"><action>"
        + "<ereg regexp=\".*\" search_in=\"hdr\" header=\"To:\" assign_to=\"dialog_to\"/></action></recv>\n"
        + SippScenarios.sendOnce(inDialog(contact, "ACK", 1, null, "").replace(
            "From: <sip:src@[local_ip]:[local_port]>", "From: \"Alice\" <sip:alice@example.com>"))
        + play(pcap) + pause(millis)
        + SippScenarios.send(inDialog(contact, "BYE", 2, null, "").replace(
            "From: <sip:src@[local_ip]:[local_port]>", "From: \"Alice\" <sip:alice@example.com>"))
        + "<recv response=\"200\"/>\n");
  }

  /** A multipart body, its Content-Type, and the sipp assignments its padding needs. */
  private record Body(String assignments, String contentType, String text) {}

  /**
   * SDP and metadata parts; {@code metadataFirst} puts the metadata first, {@code padded} pads every delimiter
   * line (sipp strips trailing white space from scenario lines, so the padding comes from a variable) and the
   * quoted boundary parameter.
   */
  private static Body multipart(String name, boolean metadataFirst, boolean padded) {
    String boundary = SippScenarios.BOUNDARY;
    String tail = padded ? "[$pad]" : "";
    String sdpPart = "--" + boundary + tail + "\nContent-Type: application/sdp\n\n" + SippScenarios.sdp(2, "sendonly")
        .strip() + "\n";
    String metadataPart = "--" + boundary + tail + "\nContent-Type: " + RecordingMetadata.CONTENT_TYPE
        + "\nContent-Disposition: recording-session\n\n" + metadata(name) + "\n";
    String text = (metadataFirst ? metadataPart + sdpPart : sdpPart + metadataPart) + "--" + boundary + "--" + tail;
    return new Body(padded ? "<nop><action><assignstr assign_to=\"pad\" value=\"" + PAD + "\"/></action></nop>\n" : "",
        "multipart/mixed;boundary=\"" + boundary + (padded ? " " : "") + "\"", text);
  }

  private static String metadata(String name) {
    return new String(SippScenarios.metadata(sessionId(name), 2), StandardCharsets.UTF_8)
        .replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", "").strip();
  }

  private static String invite(String require, String contact, String contentType, String body) {
    return SippScenarios.send("""
        INVITE sip:srs@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:src@[local_ip]:[local_port]>;tag=[pid]SrcTag[call_number]
        To: <sip:srs@[remote_ip]:[remote_port]>
        Call-ID: [call_id]
        CSeq: 1 INVITE
        Contact: %s
        Max-Forwards: 70
        %sContent-Type: %s
        Content-Length: [len]

        %s""".formatted(contact, require, contentType, body));
  }

  /** A request inside the dialog with CSeq {@code cseq}; {@code contentType} null for none. */
  private static String inDialog(String contact, String method, int cseq, String contentType, String body) {
    return """
        %s sip:srs@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:src@[local_ip]:[local_port]>;tag=[pid]SrcTag[call_number]
        To:[$dialog_to]
        Call-ID: [call_id]
        CSeq: %d %s
        Contact: %s
        Max-Forwards: 70
        %sContent-Length: [len]

        %s""".formatted(method, cseq, method, contact,
        contentType == null ? "" : "Content-Type: " + contentType + "\n", body);
  }

  private static String ack(String contact) {
    return SippScenarios.sendOnce(inDialog(contact, "ACK", 1, null, ""));
  }

  private static String bye(String contact, int cseq) {
    return SippScenarios.send(inDialog(contact, "BYE", cseq, null, "")) + "<recv response=\"200\"/>\n";
  }

  private static String play(String pcap) {
    return "<nop><action><exec play_pcap_audio=\"" + pcap + "\"/></action></nop>\n";
  }

  private static String pause(long millis) {
    return "<pause milliseconds=\"" + millis + "\"/>\n";
  }
}
