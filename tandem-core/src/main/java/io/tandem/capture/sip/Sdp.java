package io.tandem.capture.sip;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads SDP text into a {@link SessionDescription}. Lines of unknown types are skipped, unknown attributes
 * kept. A line that cannot be read but that recording can do without (a line not {@code x=value}, a
 * connection or rtpmap line in another shape) is left out and listed in
 * {@link SessionDescription#skippedLines()}; a missing {@code v=0} or {@code o=} line, or an unreadable
 * {@code m=} line, gives a {@link SipParseException} naming it. Stateless and thread-safe.
 */
public final class Sdp {
  private static final Set<String> DIRECTIONS = Set.of("sendrecv", "sendonly", "recvonly", "inactive");

  private Sdp() {}

  public static SessionDescription parse(String text) throws SipParseException {
    if (text == null) {
      throw new SipParseException("expected SDP text, got nothing");
    }
    String[] lines = text.strip().split("\r?\n");
    if (lines.length == 0 || !lines[0].strip().equals("v=0")) {
      throw new SipParseException("expected SDP to start with 'v=0'");
    }
    String origin = null;
    String sessionName = null;
    String sessionConnection = null;
    String sessionDirection = null;
    List<MediaBuilder> media = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.length() < 2 || line.charAt(1) != '=' || !Character.isLetter(line.charAt(0))) {
        skipped.add(SipParser.abbreviate(line));
        continue;
      }
      char type = line.charAt(0);
      String value = line.substring(2);
      MediaBuilder current = media.isEmpty() ? null : media.get(media.size() - 1);
      try {
        switch (type) {
          case 'o' -> origin = value;
          case 's' -> sessionName = value;
          case 'c' -> {
            if (current == null) {
              sessionConnection = connectionAddress(value);
            } else {
              current.connection = connectionAddress(value);
            }
          }
          case 'm' -> media.add(mediaLine(value));
          case 'a' -> {
            if (current == null) {
              String direction = direction(value);
              sessionDirection = direction != null ? direction : sessionDirection;
            } else {
              current.attribute(value);
            }
          }
          default -> { }
        }
      } catch (SkippedLine e) {
        skipped.add(SipParser.abbreviate(line));
      }
    }
    if (origin == null) {
      throw new SipParseException("expected an 'o=' line in the SDP");
    }
    List<MediaDescription> descriptions = new ArrayList<>();
    for (MediaBuilder builder : media) {
      descriptions.add(builder.build(sessionConnection, sessionDirection));
    }
    return new SessionDescription(origin, sessionName, sessionConnection, descriptions, skipped);
  }

  /** The direction an attribute states ({@code sendonly}, ..., in any case), or null for another attribute. */
  private static String direction(String attribute) {
    String lower = attribute.strip().toLowerCase(java.util.Locale.ROOT);
    return DIRECTIONS.contains(lower) ? lower : null;
  }

  private static String connectionAddress(String value) throws SkippedLine {
    String[] parts = value.strip().split("\\s+");
    if (parts.length != 3 || !parts[0].equalsIgnoreCase("IN")
        || !(parts[1].equalsIgnoreCase("IP4") || parts[1].equalsIgnoreCase("IP6")) || parts[2].isEmpty()) {
      throw new SkippedLine();
    }
    int slash = parts[2].indexOf('/');
    return slash < 0 ? parts[2] : parts[2].substring(0, slash);
  }

  private static MediaBuilder mediaLine(String value) throws SipParseException {
    String[] parts = value.strip().split("\\s+");
    String expected = "expected a media line 'm=<media> <port> <proto> <formats...>', got 'm=" + value + "'";
    if (parts.length < 4 || !parts[1].matches("[0-9]{1,5}(/[0-9]{1,5})?")) {
      throw new SipParseException(expected);
    }
    int slash = parts[1].indexOf('/');
    int port = Integer.parseInt(slash < 0 ? parts[1] : parts[1].substring(0, slash));
    if (port > 65535) {
      throw new SipParseException("expected a media port 0..65535, got " + port);
    }
    boolean rtp = parts[2].toUpperCase(java.util.Locale.ROOT).contains("RTP");
    List<Integer> formats = new ArrayList<>();
    for (int i = 3; i < parts.length; i++) {
      if (parts[i].matches("[0-9]{1,3}") && Integer.parseInt(parts[i]) <= 127) {
        formats.add(Integer.parseInt(parts[i]));
      } else if (rtp) {
        throw new SipParseException("expected RTP payload types 0..127 in the media line, got '" + parts[i] + "'");
      }
    }
    return new MediaBuilder(parts[0], port, parts[2], formats);
  }

  /** A line that cannot be read and that the description does without. */
  private static final class SkippedLine extends Exception {
    SkippedLine() {
      super(null, null, false, false);
    }
  }

  private static final class MediaBuilder {
    final String media;
    final int port;
    final String proto;
    final List<Integer> formats;
    final Map<Integer, String> rtpmap = new LinkedHashMap<>();
    final List<String> others = new ArrayList<>();
    String label;
    String direction;
    String connection;

    MediaBuilder(String media, int port, String proto, List<Integer> formats) {
      this.media = media;
      this.port = port;
      this.proto = proto;
      this.formats = formats;
    }

    void attribute(String value) throws SkippedLine {
      if (direction(value) != null) {
        direction = direction(value);
      } else if (value.regionMatches(true, 0, "label:", 0, 6)) {
        String given = value.substring("label:".length()).strip();
        label = given.isEmpty() ? label : given;
      } else if (value.regionMatches(true, 0, "rtpmap:", 0, 7)) {
        String[] parts = value.substring("rtpmap:".length()).strip().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].matches("[0-9]{1,3}") || Integer.parseInt(parts[0]) > 127) {
          throw new SkippedLine();
        }
        rtpmap.put(Integer.parseInt(parts[0]), parts[1].strip());
      } else {
        others.add(value);
      }
    }

    MediaDescription build(String sessionConnection, String sessionDirection) {
      return new MediaDescription(media, port, proto, formats, rtpmap, label,
          direction != null ? direction : sessionDirection, connection != null ? connection : sessionConnection,
          others);
    }
  }
}
