package io.tandem.capture.siprec;

import io.tandem.call.Participant;
import io.tandem.capture.Quirks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.w3c.dom.Element;

/**
 * Reads a {@code <recording>} element of either schema, with or without namespace prefixes, into
 * {@link RecordingMetadata}, leniently: unknown elements are passed over (the raw document is kept by the
 * recorder), a participant without an id gets one from its position, an association without an id is left
 * out, and each such thing, an unzoned time and the draft schema are noted as quirks. Ids that associations
 * name but the document does not define are returned for the caller to judge against what earlier documents
 * defined (an association without an id names the empty id, which none defines). Not thread-safe: one reader
 * per document.
 */
final class MetadataReader {
  /** The namespace of draft-ietf-siprec-metadata before RFC 7865 added the version. */
  static final String DRAFT_NAMESPACE = "urn:ietf:params:xml:ns:recording";
  /** The root element of the earliest draft schema (in namespace {@code urn:ietf:params:xml:ns:siprec}). */
  static final String EARLIEST_DRAFT_ROOT = "recording_metadata";

  private final Element root;
  private final Set<String> quirks = new LinkedHashSet<>();
  private final Set<String> defined = new LinkedHashSet<>();
  private final Set<String> referenced = new LinkedHashSet<>();

  private MetadataReader(Element root) {
    this.root = root;
  }

  /** {@code undeclaredPrefixes}: the document could be read only without namespaces, a quirk of its own. */
  static RecordingMetadata read(Element root, boolean undeclaredPrefixes) {
    MetadataReader reader = new MetadataReader(root);
    if (undeclaredPrefixes) {
      reader.quirks.add(Quirks.METADATA_UNDECLARED_PREFIX);
    }
    return reader.read();
  }

  private RecordingMetadata read() {
    if (draft()) {
      quirks.add(Quirks.METADATA_DRAFT_SCHEMA);
    }
    List<Element> participantElements = MetadataXml.children(root, "participant");
    List<String> participantIds = participantIds(participantElements);
    Map<String, RecordingMetadata.Association> associations = associations(participantElements, participantIds);
    List<Participant> participants = new ArrayList<>();
    for (int i = 0; i < participantElements.size(); i++) {
      Participant participant = participant(participantElements.get(i), participantIds.get(i));
      RecordingMetadata.Association times = associations.get(participant.id());
      participants.add(times == null ? participant : participant.withTimes(times.associated(), times.disassociated()));
    }
    Map<String, String> senders = senders(participantElements, participantIds);
    Set<String> unresolved = new LinkedHashSet<>(referenced);
    unresolved.removeAll(defined);
    return new RecordingMetadata(sessionId(), participants, senders, associations, MetadataIdentity.of(root),
        List.copyOf(quirks), defined, unresolved);
  }

  /** The draft schema: its namespace, or without one, ids in {@code id} attributes where RFC 7865 has typed ones. */
  private boolean draft() {
    if (MetadataXml.localName(root).equals(EARLIEST_DRAFT_ROOT)) {
      return true;
    }
    String namespace = root.getNamespaceURI();
    if (namespace != null) {
      return namespace.equals(DRAFT_NAMESPACE);
    }
    for (Element session : MetadataXml.children(root, "session")) {
      if (MetadataXml.attribute(session, "session_id") == null && MetadataXml.attribute(session, "id") != null) {
        return true;
      }
    }
    return MetadataXml.firstChild(root, "dataMode") != null;
  }

  private String sessionId() {
    for (Element session : MetadataXml.children(root, "session")) {
      String id = MetadataXml.attribute(session, "session_id", "id");
      if (id != null) {
        return id;
      }
    }
    return "";
  }

  private List<String> participantIds(List<Element> elements) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < elements.size(); i++) {
      String id = MetadataXml.attribute(elements.get(i), "participant_id", "id");
      if (id == null) {
        quirks.add(Quirks.METADATA_PARTICIPANT_WITHOUT_ID);
        id = "participant-" + (i + 1);
      }
      defined.add(id);
      ids.add(id);
    }
    return ids;
  }

  private Participant participant(Element participant, String id) {
    Element nameId = MetadataXml.firstChild(participant, "nameID");
    String aor = nameId == null ? null : MetadataXml.attribute(nameId, "aor");
    if (aor == null) {
      aor = Objects.requireNonNullElse(MetadataXml.text(MetadataXml.firstChild(participant, "aor")), "");
    }
    String name = nameId == null ? null : MetadataXml.text(MetadataXml.firstChild(nameId, "name"));
    return new Participant(id, aor, name);
  }

  private Map<String, RecordingMetadata.Association> associations(List<Element> participants, List<String> ids) {
    Map<String, RecordingMetadata.Association> associations = new LinkedHashMap<>();
    for (Element association : MetadataXml.children(root, "participantsessionassoc")) {
      String id = MetadataXml.attribute(association, "participant_id", "id");
      if (id == null) {
        // An association of nobody: an id no document can define.
        referenced.add("");
        continue;
      }
      referenced.add(id);
      associations.put(id, times(association));
    }
    // The draft schema put the times inside the participant itself.
    for (int i = 0; i < participants.size(); i++) {
      RecordingMetadata.Association times = times(participants.get(i));
      if (!associations.containsKey(ids.get(i)) && (times.associated() != null || times.disassociated() != null)) {
        associations.put(ids.get(i), times);
      }
    }
    return associations;
  }

  private RecordingMetadata.Association times(Element owner) {
    return new RecordingMetadata.Association(
        MetadataTimes.parse(MetadataXml.text(MetadataXml.firstChild(owner, "associate-time")), quirks),
        MetadataTimes.parse(MetadataXml.text(MetadataXml.firstChild(owner, "disassociate-time")), quirks));
  }

  private Map<String, String> senders(List<Element> participants, List<String> participantIds) {
    Map<String, String> labelByStream = new HashMap<>();
    for (Element stream : MetadataXml.children(root, "stream")) {
      String id = MetadataXml.attribute(stream, "stream_id", "id");
      String label = MetadataXml.text(MetadataXml.firstChild(stream, "label"));
      if (id != null) {
        defined.add(id);
        if (label != null && !label.isEmpty()) {
          labelByStream.put(id, label);
        }
      }
    }
    Map<String, String> senders = new LinkedHashMap<>();
    for (Element association : MetadataXml.children(root, "participantstreamassoc")) {
      String id = MetadataXml.attribute(association, "participant_id", "id");
      if (id == null) {
        referenced.add("");
        continue;
      }
      referenced.add(id);
      addSends(association, id, labelByStream, senders);
    }
    for (int i = 0; i < participants.size(); i++) {
      addSends(participants.get(i), participantIds.get(i), labelByStream, senders);
    }
    return senders;
  }

  private void addSends(Element owner, String participantId, Map<String, String> labelByStream,
      Map<String, String> senders) {
    for (String kind : List.of("send", "recv")) {
      for (Element stream : MetadataXml.children(owner, kind)) {
        String streamId = MetadataXml.text(stream);
        if (streamId == null || streamId.isEmpty()) {
          continue;
        }
        referenced.add(streamId);
        String label = labelByStream.get(streamId);
        if (kind.equals("send") && label != null) {
          senders.putIfAbsent(label, participantId);
        }
      }
    }
  }
}
