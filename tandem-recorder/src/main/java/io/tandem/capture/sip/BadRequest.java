package io.tandem.capture.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers a request the parser refused with 400 and the parser's reason, when the bytes still carry the
 * headers a response must echo (Via, From, To, Call-ID, CSeq). Anything less is not answerable and is
 * only counted by the caller. Stateless.
 */
final class BadRequest {
  private static final List<String> ECHOED = List.of("via", "v", "from", "f", "to", "t", "call-id", "i", "cseq");

  private BadRequest() {}

  static void answer(byte[] data, String reason, SipReply reply) {
    String text = new String(data, 0, Math.min(data.length, 16 * 1024), StandardCharsets.ISO_8859_1);
    String[] lines = text.split("\r?\n");
    if (lines.length == 0 || !lines[0].matches("[A-Z]{2,16} \\S+ SIP/2\\.0") || lines[0].startsWith("ACK ")) {
      return;
    }
    List<String[]> echoed = new ArrayList<>();
    for (int i = 1; i < lines.length && !lines[i].isEmpty(); i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0 && ECHOED.contains(lines[i].substring(0, colon).trim().toLowerCase())) {
        echoed.add(new String[] {lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()});
      }
    }
    if (echoed.stream().noneMatch(h -> h[0].equalsIgnoreCase("via") || h[0].equalsIgnoreCase("v"))) {
      return;
    }
    SipMessage.Builder response = SipMessage.response(400, "Bad Request - " + printable(reason));
    echoed.forEach(h -> response.header(h[0], h[1]));
    reply.send(response.build());
  }

  private static String printable(String reason) {
    String flat = reason == null ? "malformed request" : reason.replaceAll("[\\r\\n\\x00-\\x1f]", " ");
    return flat.length() > 200 ? flat.substring(0, 200) : flat;
  }
}
