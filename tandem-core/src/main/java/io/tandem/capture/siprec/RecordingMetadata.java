package io.tandem.capture.siprec;

import io.tandem.call.Participant;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * What recording needs of SIPREC metadata (RFC 7865, and the older draft schema): the communication
 * session's id exactly as the SBC sent it, the participants, which participant sends the stream of
 * each SDP label, when participants joined and left the session, the recorded session's own SIP identity, and
 * what was odd in the document. Immutable and thread-safe.
 *
 * @param sessionId the communication session id; empty when the document did not give one (a partial update
 *     need not repeat it)
 * @param senders SDP stream label to the id of the participant that sends it, in document order
 * @param associations when participants joined or left the session ({@code participantsessionassoc}, or
 *     the draft schema's times inside {@code participant}), by participant id in document order
 * @param sipIdentity the recorded session's SIP identity as {@link MetadataIdentity} finds it, or empty
 * @param quirks what the document did that was odd but readable, each once, in the order met
 * @param definedIds the participant and stream ids the document defines
 * @param unresolvedIds the participant and stream ids its associations name that it does not define (a partial
 *     update may name ids an earlier document defined; an association without an id names the empty id)
 */
public record RecordingMetadata(String sessionId, List<Participant> participants, Map<String, String> senders,
    Map<String, Association> associations, String sipIdentity, List<String> quirks, Set<String> definedIds,
    Set<String> unresolvedIds) {
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
    sipIdentity = sipIdentity == null ? "" : sipIdentity;
    quirks = quirks == null ? List.of() : List.copyOf(quirks);
    definedIds = definedIds == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(definedIds));
    unresolvedIds = unresolvedIds == null ? Set.of()
        : Collections.unmodifiableSet(new LinkedHashSet<>(unresolvedIds));
  }

  public RecordingMetadata(String sessionId, List<Participant> participants, Map<String, String> senders,
      Map<String, Association> associations) {
    this(sessionId, participants, senders, associations, "", List.of(), null, null);
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
   * Reads metadata as far as it can be read: a partial update (RFC 7865 lets it carry only what changed) or
   * the metadata of a new session, whose session id may then be missing. Fails only when the document is
   * not well-formed XML, too large, or its root is not {@code <recording>}.
   */
  public static RecordingMetadata parseUpdate(byte[] xml) throws MetadataException {
    return read(xml);
  }

  /**
   * The ids this document's associations name that neither it nor {@code known} (the ids earlier documents of
   * the session defined) define; not empty means {@code metadata-unknown-ids}.
   */
  public Set<String> unknownIds(Set<String> known) {
    Set<String> unknown = new LinkedHashSet<>(unresolvedIds);
    unknown.removeAll(known);
    return unknown;
  }

  private static RecordingMetadata read(byte[] xml) throws MetadataException {
    if (xml == null || xml.length == 0) {
      throw new MetadataException("expected recording metadata XML, got an empty body");
    }
    if (xml.length > MAX_BYTES) {
      throw new MetadataException("expected recording metadata of at most " + MAX_BYTES + " bytes, got "
          + xml.length);
    }
    MetadataXml.Parsed parsed = MetadataXml.parse(xml);
    Element root = parsed.root();
    String rootName = MetadataXml.localName(root);
    // <recording_metadata> is the root of the earliest draft schema, which some SBCs still send.
    if (!rootName.equals("recording") && !rootName.equals(MetadataReader.EARLIEST_DRAFT_ROOT)) {
      throw new MetadataException("expected a <recording> root element, got <" + rootName + ">");
    }
    return MetadataReader.read(root, parsed.undeclaredPrefixes());
  }

  /** RFC 7865 XML for this metadata; each stream's id is derived from its label. */
  public byte[] toXml() {
    StringBuilder xml = new StringBuilder(1024);
    xml.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.append("<recording xmlns=\"").append(NAMESPACE).append("\">\n");
    xml.append("  <datamode>complete</datamode>\n");
    String session = MetadataXml.escape(sessionId);
    xml.append("  <session session_id=\"").append(session).append("\">");
    if (!sipIdentity.isEmpty()) {
      xml.append("<sipSessionID>").append(MetadataXml.escape(sipIdentity)).append("</sipSessionID>");
    }
    xml.append("</session>\n");
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
