package io.tandem.capture.siprec;

import io.tandem.call.Participant;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.w3c.dom.Element;

/**
 * What recording needs of SIPREC metadata (RFC 7865, and the older draft schema): the communication
 * session's id exactly as the SBC sent it, the participants, which participant sends the stream of
 * each SDP label, and when participants joined and left the session. Immutable and thread-safe.
 *
 * @param sessionId the communication session id; empty only in a partial update that did not repeat it
 * @param senders SDP stream label to the id of the participant that sends it, in document order
 * @param associations when participants joined or left the session ({@code participantsessionassoc}, or
 *     the draft schema's times inside {@code participant}), by participant id in document order
 */
public record RecordingMetadata(String sessionId, List<Participant> participants, Map<String, String> senders,
    Map<String, Association> associations) {
  public static final String NAMESPACE = "urn:ietf:params:xml:ns:recording:1";
  public static final String CONTENT_TYPE = "application/rs-metadata+xml";
  public static final int MAX_BYTES = 64 * 1024;

  /** When one participant joined and left the session; either may be null when the metadata did not say. */
  public record Association(Instant associated, Instant disassociated) {}

  public RecordingMetadata {
    Objects.requireNonNull(sessionId, "sessionId");
    participants = List.copyOf(participants);
    senders = Collections.unmodifiableMap(new LinkedHashMap<>(senders));
    associations = Collections.unmodifiableMap(new LinkedHashMap<>(associations));
  }

  public RecordingMetadata(String sessionId, List<Participant> participants, Map<String, String> senders) {
    this(sessionId, participants, senders, Map.of());
  }

  /**
   * Reads the metadata of a new recording session in any namespace (RFC 7865 or the draft schema): the
   * root element must be recording and the session id must be given.
   */
  public static RecordingMetadata parse(byte[] xml) throws MetadataException {
    RecordingMetadata metadata = parseUpdate(xml);
    if (metadata.sessionId().isEmpty()) {
      throw new MetadataException("expected a <session session_id=\"...\"> (or <session id=\"...\">) element");
    }
    return metadata;
  }

  /**
   * Reads metadata sent inside a recording session, which RFC 7865 lets carry only what changed (a
   * partial update): the session id may be missing and is then empty.
   */
  public static RecordingMetadata parseUpdate(byte[] xml) throws MetadataException {
    if (xml == null || xml.length == 0) {
      throw new MetadataException("expected recording metadata XML, got an empty body");
    }
    if (xml.length > MAX_BYTES) {
      throw new MetadataException("expected recording metadata of at most " + MAX_BYTES + " bytes, got "
          + xml.length);
    }
    Element root = MetadataXml.parseRoot(xml);
    if (!MetadataXml.localName(root).equals("recording")) {
      throw new MetadataException("expected a <recording> root element, got <" + MetadataXml.localName(root) + ">");
    }
    Map<String, Association> associations = associations(root);
    List<Participant> participants = new ArrayList<>();
    for (Participant participant : participants(root)) {
      Association times = associations.get(participant.id());
      participants.add(times == null ? participant : participant.withTimes(times.associated(), times.disassociated()));
    }
    return new RecordingMetadata(sessionId(root), participants, senders(root), associations);
  }

  private static String sessionId(Element root) {
    for (Element session : MetadataXml.children(root, "session")) {
      String id = MetadataXml.attribute(session, "session_id", "id");
      if (id != null && !id.isBlank()) {
        return id;
      }
    }
    return "";
  }

  private static Map<String, Association> associations(Element root) throws MetadataException {
    Map<String, Association> associations = new LinkedHashMap<>();
    for (Element association : MetadataXml.children(root, "participantsessionassoc")) {
      String id = MetadataXml.attribute(association, "participant_id", "id");
      if (id == null) {
        throw new MetadataException("expected a participant_id attribute on every <participantsessionassoc>");
      }
      associations.put(id, times(association));
    }
    // The draft schema put the times inside the participant itself.
    for (Element participant : MetadataXml.children(root, "participant")) {
      String id = MetadataXml.attribute(participant, "participant_id", "id");
      Association times = times(participant);
      if (id != null && !associations.containsKey(id) && (times.associated() != null || times.disassociated() != null)) {
        associations.put(id, times);
      }
    }
    return associations;
  }

  private static Association times(Element owner) throws MetadataException {
    return new Association(time(owner, "associate-time"), time(owner, "disassociate-time"));
  }

  private static Instant time(Element owner, String element) throws MetadataException {
    String text = MetadataXml.text(MetadataXml.firstChild(owner, element));
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text.strip()).toInstant();
    } catch (DateTimeParseException e) {
      throw new MetadataException("expected <" + element + "> to be an xs:dateTime with a zone such as "
          + "2026-11-26T14:30:00Z, got '" + (text.length() > 40 ? text.substring(0, 40) + "..." : text.strip()) + "'");
    }
  }

  private static List<Participant> participants(Element root) throws MetadataException {
    List<Participant> participants = new ArrayList<>();
    for (Element participant : MetadataXml.children(root, "participant")) {
      String id = MetadataXml.attribute(participant, "participant_id", "id");
      if (id == null) {
        throw new MetadataException("expected a participant_id (or id) attribute on every <participant>");
      }
      Element nameId = MetadataXml.firstChild(participant, "nameID");
      String aor = nameId == null ? null : MetadataXml.attribute(nameId, "aor");
      if (aor == null) {
        aor = Objects.requireNonNullElse(MetadataXml.text(MetadataXml.firstChild(participant, "aor")), "");
      }
      String name = nameId == null ? null : MetadataXml.text(MetadataXml.firstChild(nameId, "name"));
      participants.add(new Participant(id, aor, name));
    }
    return participants;
  }

  private static Map<String, String> senders(Element root) {
    Map<String, String> labelByStream = new HashMap<>();
    for (Element stream : MetadataXml.children(root, "stream")) {
      String id = MetadataXml.attribute(stream, "stream_id", "id");
      String label = MetadataXml.text(MetadataXml.firstChild(stream, "label"));
      if (id != null && label != null && !label.isEmpty()) {
        labelByStream.put(id, label);
      }
    }
    Map<String, String> senders = new LinkedHashMap<>();
    for (Element association : MetadataXml.children(root, "participantstreamassoc")) {
      addSends(association, MetadataXml.attribute(association, "participant_id", "id"), labelByStream, senders);
    }
    for (Element participant : MetadataXml.children(root, "participant")) {
      addSends(participant, MetadataXml.attribute(participant, "participant_id", "id"), labelByStream, senders);
    }
    return senders;
  }

  private static void addSends(Element owner, String participantId, Map<String, String> labelByStream,
      Map<String, String> senders) {
    if (participantId == null) {
      return;
    }
    for (Element send : MetadataXml.children(owner, "send")) {
      String label = labelByStream.get(MetadataXml.text(send));
      if (label != null) {
        senders.putIfAbsent(label, participantId);
      }
    }
  }

  /** RFC 7865 XML for this metadata; each stream's id is derived from its label. */
  public byte[] toXml() {
    StringBuilder xml = new StringBuilder(1024);
    xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.append("<recording xmlns=\"").append(NAMESPACE).append("\">\n");
    xml.append("  <datamode>complete</datamode>\n");
    String session = MetadataXml.escape(sessionId);
    xml.append("  <session session_id=\"").append(session).append("\"></session>\n");
    for (Participant participant : participants) {
      xml.append("  <participant participant_id=\"").append(MetadataXml.escape(participant.id())).append("\">\n");
      xml.append("    <nameID aor=\"").append(MetadataXml.escape(participant.aor())).append("\">\n");
      xml.append("      <name>").append(MetadataXml.escape(participant.name())).append("</name>\n");
      xml.append("    </nameID>\n  </participant>\n");
    }
    senders.keySet().forEach(label -> xml.append("  <stream stream_id=\"").append(MetadataXml.escape(streamId(label)))
        .append("\" session_id=\"").append(session).append("\">\n    <label>").append(MetadataXml.escape(label))
        .append("</label>\n  </stream>\n"));
    for (Participant participant : participants) {
      if (participant.joined() != null || participant.left() != null) {
        xml.append("  <participantsessionassoc participant_id=\"").append(MetadataXml.escape(participant.id()))
            .append("\" session_id=\"").append(session).append("\">\n");
        if (participant.joined() != null) {
          xml.append("    <associate-time>").append(participant.joined()).append("</associate-time>\n");
        }
        if (participant.left() != null) {
          xml.append("    <disassociate-time>").append(participant.left()).append("</disassociate-time>\n");
        }
        xml.append("  </participantsessionassoc>\n");
      }
    }
    for (Participant participant : participants) {
      xml.append("  <participantstreamassoc participant_id=\"").append(MetadataXml.escape(participant.id()))
          .append("\">\n");
      senders.forEach((label, sender) -> {
        if (sender.equals(participant.id())) {
          xml.append("    <send>").append(MetadataXml.escape(streamId(label))).append("</send>\n");
        }
      });
      xml.append("  </participantstreamassoc>\n");
    }
    xml.append("</recording>\n");
    return xml.toString().getBytes(StandardCharsets.UTF_8);
  }

  private String streamId(String label) {
    return sessionId + "-stream-" + label;
  }
}
