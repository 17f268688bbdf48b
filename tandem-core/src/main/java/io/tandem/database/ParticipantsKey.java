package io.tandem.database;

import io.tandem.call.Participant;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The participants key of a call: the user parts of its participants' addresses of record, each normalised
 * (no scheme, parameters or host; lower case; a telephone number without its visual separators and leading
 * {@code +}), distinct, sorted and joined by commas. An SBC that gives each recorder its own session id still
 * names the same participants to both, so both copies of a conversation have the same key. Stateless.
 */
final class ParticipantsKey {
  private ParticipantsKey() {}

  /** The key of these participants, or null when none has a user part to match by. */
  static String of(List<Participant> participants) {
    if (participants.isEmpty()) {
      return null;
    }
    TreeSet<String> users = new TreeSet<>();
    for (Participant participant : participants) {
      String user = user(participant.aor());
      if (!user.isEmpty()) {
        users.add(user);
      }
    }
    return users.isEmpty() ? null : String.join(",", users);
  }

  /** The normalised user part of an address of record ({@code sip:+1 555-0100@host;user=phone} gives 15550100). */
  static String user(String aor) {
    String address = aor.strip();
    if (address.startsWith("<")) {
      address = address.substring(1);
    }
    int scheme = address.indexOf(':');
    int at = address.indexOf('@');
    if (scheme >= 0 && (at < 0 || scheme < at)) {
      address = address.substring(scheme + 1);
      at = address.indexOf('@');
    }
    String user = at >= 0 ? address.substring(0, at) : address;
    user = cut(cut(cut(user, ';'), '?'), '>').toLowerCase(Locale.ROOT);
    return telephoneNumber(user) ? digits(user) : user;
  }

  private static String cut(String text, char at) {
    int index = text.indexOf(at);
    return index < 0 ? text : text.substring(0, index);
  }

  /** Digits, with at most visual separators (RFC 3966) and a leading plus. */
  private static boolean telephoneNumber(String user) {
    boolean digit = false;
    for (int i = 0; i < user.length(); i++) {
      char c = user.charAt(i);
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if ("+-.() ".indexOf(c) < 0 || (c == '+' && i > 0)) {
        return false;
      }
    }
    return digit;
  }

  private static String digits(String user) {
    StringBuilder digits = new StringBuilder(user.length());
    for (int i = 0; i < user.length(); i++) {
      char c = user.charAt(i);
      if (c >= '0' && c <= '9') {
        digits.append(c);
      }
    }
    return digits.toString();
  }
}
