package io.tandem.capture.sip;

import java.util.List;
import java.util.Objects;

/**
 * An SDP session (RFC 8866) as far as recording needs it: the {@code o=} value, the session name, the
 * session-level connection address (or null), the media sections in order, and the lines a reader left out
 * because it could not read them (never printed). Immutable; {@link #toString()} prints valid SDP with CRLF
 * line ends.
 */
public record SessionDescription(String origin, String sessionName, String connectionAddress,
    List<MediaDescription> media, List<String> skippedLines) {

  public SessionDescription {
    Objects.requireNonNull(origin, "origin");
    sessionName = sessionName == null || sessionName.isEmpty() ? "-" : sessionName;
    media = List.copyOf(media);
    skippedLines = skippedLines == null ? List.of() : List.copyOf(skippedLines);
  }

  /** A description with every line read. */
  public SessionDescription(String origin, String sessionName, String connectionAddress,
      List<MediaDescription> media) {
    this(origin, sessionName, connectionAddress, media, List.of());
  }

  /** Whether no {@code c=} line was given anywhere, at session level or in any media section. */
  public boolean withoutConnection() {
    return connectionAddress == null && media.stream().allMatch(m -> m.connectionAddress() == null);
  }

  @Override
  public String toString() {
    StringBuilder sdp = new StringBuilder(256);
    line(sdp, "v=0");
    line(sdp, "o=" + origin);
    line(sdp, "s=" + sessionName);
    if (connectionAddress != null) {
      line(sdp, "c=" + connection(connectionAddress));
    }
    line(sdp, "t=0 0");
    for (MediaDescription m : media) {
      StringBuilder mLine = new StringBuilder("m=").append(m.media()).append(' ').append(m.port()).append(' ')
          .append(m.proto());
      m.formats().forEach(format -> mLine.append(' ').append(format));
      line(sdp, mLine.toString());
      if (m.connectionAddress() != null && !m.connectionAddress().equals(connectionAddress)) {
        line(sdp, "c=" + connection(m.connectionAddress()));
      }
      m.rtpmap().forEach((pt, encoding) -> line(sdp, "a=rtpmap:" + pt + " " + encoding));
      if (m.label() != null) {
        line(sdp, "a=label:" + m.label());
      }
      line(sdp, "a=" + m.direction());
      m.otherAttributes().forEach(attribute -> line(sdp, "a=" + attribute));
    }
    return sdp.toString();
  }

  private static String connection(String address) {
    return "IN " + (address.indexOf(':') >= 0 ? "IP6 " : "IP4 ") + address;
  }

  private static void line(StringBuilder sdp, String text) {
    sdp.append(text).append("\r\n");
  }
}
