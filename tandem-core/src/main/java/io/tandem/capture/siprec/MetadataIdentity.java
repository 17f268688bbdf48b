package io.tandem.capture.siprec;

import java.util.Locale;
import java.util.Set;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The recorded communication session's own SIP identity, as recording metadata carries it, so that two
 * recordings of one conversation can be matched when their session ids differ. In order of preference: the
 * session's {@code <sipSessionID>} (RFC 7865 6.2, the RFC 7989 Session-ID of the recorded call; white space
 * removed, hex in lower case); else a vendor extension element naming the recorded call's Call-ID (local name
 * {@code callid}, {@code call-id}, {@code call_id}, {@code sipcallid} or {@code originalcallid}, in any case and
 * namespace, as the call-id of Ribbon's predefined callData, or a copied header labelled {@code Call-ID}, as
 * Oracle/Acme's {@code apkt:header}); else a
 * universal call id a contact-centre-facing SBC adds (Oracle/Acme's {@code apkt:ucid}, AudioCodes'
 * {@code AvayaUCID} and {@code GenesysUUID}), without its {@code ;encoding=} parameter; else empty. Stateless.
 */
final class MetadataIdentity {
  private static final int MAX_LENGTH = 256;
  private static final Set<String> CALL_ID_NAMES = Set.of("callid", "sipcallid", "originalcallid");
  private static final Set<String> UCID_NAMES = Set.of("ucid", "avayaucid", "universalcallid", "genesysuuid");

  private MetadataIdentity() {}

  static String of(Element root) {
    for (Element session : MetadataXml.children(root, "session")) {
      String sipSessionId = MetadataXml.text(MetadataXml.firstChild(session, "sipSessionID"));
      if (sipSessionId != null && !sipSessionId.isBlank()) {
        return bounded(sipSessionId.replaceAll("\\s+", "").toLowerCase(Locale.ROOT));
      }
    }
    String callId = first(root, CALL_ID_NAMES);
    if (callId == null) {
      callId = labelledHeader(root, "Call-ID");
    }
    if (callId != null) {
      return bounded(callId);
    }
    String ucid = first(root, UCID_NAMES);
    if (ucid != null) {
      int semicolon = ucid.indexOf(';');
      return bounded((semicolon < 0 ? ucid : ucid.substring(0, semicolon)).strip());
    }
    return "";
  }

  /** The text of the first element, depth first in document order, whose normalised local name is one of these. */
  private static String first(Element parent, Set<String> names) {
    for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (!(child instanceof Element element)) {
        continue;
      }
      String local = MetadataXml.localName(element).toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
      String text = MetadataXml.text(element);
      if (names.contains(local) && text != null && !text.isBlank() && element.getElementsByTagName("*").getLength() == 0) {
        return text;
      }
      String found = first(element, names);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  /**
   * The value of the first SIP header an extension copies by label, depth first, as Oracle/Acme's
   * {@code <apkt:header label="Call-ID"><value>...</value></apkt:header>} does; null when there is none.
   */
  private static String labelledHeader(Element parent, String header) {
    for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (!(child instanceof Element element)) {
        continue;
      }
      if (MetadataXml.localName(element).equalsIgnoreCase("header")
          && header.equalsIgnoreCase(MetadataXml.attribute(element, "label"))) {
        String value = MetadataXml.text(MetadataXml.firstChild(element, "value"));
        if (value != null && !value.isBlank()) {
          return value;
        }
      }
      String found = labelledHeader(element, header);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static String bounded(String identity) {
    return identity.length() <= MAX_LENGTH ? identity : identity.substring(0, MAX_LENGTH);
  }
}
