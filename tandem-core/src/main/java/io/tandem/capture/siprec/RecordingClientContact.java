package io.tandem.capture.siprec;

import io.tandem.capture.Quirks;
import io.tandem.capture.sip.NameAddress;
import io.tandem.capture.sip.SipHeaders;
import io.tandem.capture.sip.SipMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * How an INVITE's Contact marks its sender as a recording client (RFC 7866 6.1.1): the {@code +sip.src}
 * feature tag among the header parameters, as it should be, or inside the URI's angle brackets, or the
 * older {@code ;src}, or not at all. Each Contact is read as far as it can be (a display name, a missing
 * closing bracket). The tag is a hint, never a condition: a recording is recognised by its body. Stateless.
 */
final class RecordingClientContact {
  static final String SRC_FEATURE_TAG = "+sip.src";
  private static final String LEGACY_TAG = "src";

  private RecordingClientContact() {}

  /**
   * The quirks of the INVITE's Contact headers, in the order seen; {@code claimsSiprec} says whether the
   * INVITE presents itself as a recording session, so that a missing tag is worth noting.
   */
  static List<String> quirks(SipMessage invite, boolean claimsSiprec) {
    List<String> quirks = new ArrayList<>();
    boolean tagged = false;
    for (NameAddress contact : NameAddress.parseAll(invite.headers(SipHeaders.CONTACT))) {
      if (!contact.complete()) {
        quirks.add(Quirks.CONTACT_MALFORMED);
      }
      boolean inHeader = has(contact.headerParameters(), SRC_FEATURE_TAG);
      boolean inUri = has(contact.uriParameters(), SRC_FEATURE_TAG);
      boolean legacy = has(contact.headerParameters(), LEGACY_TAG) || has(contact.uriParameters(), LEGACY_TAG);
      if (inUri && !inHeader && contact.complete()) {
        quirks.add(Quirks.SRC_TAG_IN_URI);
      }
      if (legacy && !inHeader && !inUri) {
        quirks.add(Quirks.SRC_TAG_LEGACY);
      }
      tagged |= inHeader || inUri || legacy;
    }
    if (!tagged && claimsSiprec) {
      quirks.add(Quirks.NO_SRC_TAG);
    }
    return quirks;
  }

  /** Whether {@code ;name} or {@code ;name=value} is among the parameters, in any case. */
  static boolean has(String parameters, String name) {
    for (String parameter : SipHeaders.splitOutsideQuotes(parameters, ';')) {
      int equals = parameter.indexOf('=');
      if ((equals >= 0 ? parameter.substring(0, equals) : parameter).strip().equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }
}
