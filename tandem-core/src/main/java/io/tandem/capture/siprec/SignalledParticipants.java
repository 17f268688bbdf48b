package io.tandem.capture.siprec;

import io.tandem.call.Participant;
import io.tandem.capture.sip.NameAddress;
import io.tandem.capture.sip.SipHeaders;
import io.tandem.capture.sip.SipMessage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The participants of a call that came without recording metadata, as its INVITE's headers name them: From
 * (id {@code from}), To ({@code to}), each P-Asserted-Identity ({@code pai}, {@code pai-2}, ...) and each
 * Diversion ({@code diversion}, ...), each address of record once, first seen first. Stateless.
 */
final class SignalledParticipants {
  private SignalledParticipants() {}

  static List<Participant> of(SipMessage invite) {
    List<Participant> participants = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    add(participants, seen, "from", NameAddress.parseAll(invite.headers(SipHeaders.FROM)));
    add(participants, seen, "to", NameAddress.parseAll(invite.headers(SipHeaders.TO)));
    add(participants, seen, "pai", NameAddress.parseAll(invite.headers("P-Asserted-Identity")));
    add(participants, seen, "diversion", NameAddress.parseAll(invite.headers("Diversion")));
    return participants;
  }

  private static void add(List<Participant> participants, Set<String> seen, String id, List<NameAddress> entries) {
    int index = 0;
    for (NameAddress entry : entries) {
      String aor = entry.addressOfRecord();
      if (aor.isEmpty() || !seen.add(aor)) {
        continue;
      }
      index++;
      participants.add(new Participant(index == 1 ? id : id + "-" + index, aor, entry.displayName()));
    }
  }
}
