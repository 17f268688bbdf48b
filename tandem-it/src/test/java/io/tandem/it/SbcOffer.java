package io.tandem.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One offer of the SBC corpus ({@code sbc-offers/*.sip} on the test class path): the INVITE template in the
 * shape a family of SBCs sends, and what a recorder must make of it, as the file's {@code #} header states.
 * Immutable; {@link #render} fills the template's placeholders.
 *
 * @param name the file name without {@code .sip}
 * @param participants each expected participant as {@code AOR|name} (name empty when none)
 * @param quirks the quirk kinds the call must list
 * @param codecs the codec recorded for each {@code m=audio} line, in order
 */
record SbcOffer(String name, String family, String transport, List<String> participants, List<String> quirks,
    List<String> codecs, String template) {
  private static final String DIRECTORY = "sbc-offers";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z0-9-]+)}");
  private static final String LENGTH_MARK = "\u0000length\u0000";

  SbcOffer {
    participants = List.copyOf(participants);
    quirks = List.copyOf(quirks);
    codecs = List.copyOf(codecs);
  }

  /** Every offer of the corpus, in file name order. */
  static List<SbcOffer> all() {
    try (Stream<Path> files = Files.list(directory())) {
      return files.filter(f -> f.getFileName().toString().endsWith(".sip")).sorted().map(SbcOffer::load).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SbcOffer load(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String family = null;
    String transport = null;
    List<String> participants = new ArrayList<>();
    List<String> quirks = null;
    List<String> codecs = null;
    int first = 0;
    for (; first < lines.size() && lines.get(first).startsWith("#"); first++) {
      String line = lines.get(first).substring(1).strip();
      int colon = line.indexOf(':');
      String key = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1).strip();
      switch (key) {
        case "family" -> family = value;
        case "transport" -> transport = value;
        case "participant" -> participants.add(participant(value));
        case "quirks" -> quirks = value.equals("none") ? List.of() : list(value);
        case "codecs" -> codecs = list(value);
        default -> { } // source, unusual, sip-identity: documentation for readers
      }
    }
    String name = file.getFileName().toString().replaceFirst("\\.sip$", "");
    if (family == null || transport == null || quirks == null || codecs == null) {
      throw new IllegalStateException(name + ": expected family, transport, quirks and codecs in its # header");
    }
    if (!transport.equals("udp") && !transport.equals("tcp")) {
      throw new IllegalStateException(name + ": expected transport udp or tcp, got " + transport);
    }
    return new SbcOffer(name, family, transport, participants, quirks, codecs,
        String.join("\n", lines.subList(first, lines.size())) + "\n");
  }

  boolean tcp() {
    return transport.equals("tcp");
  }

  /** Whether the offer's streams start {@code a=inactive}: media flows only once a re-INVITE resumes them. */
  boolean startsInactive() {
    return quirks.contains("starts-inactive");
  }

  /**
   * The INVITE as bytes on the wire: placeholders replaced by {@code values} (each must be given), lines
   * ended by CRLF with any trailing whitespace kept, and {@code ${content-length}} the body's length.
   */
  byte[] render(Map<String, String> values) {
    Matcher matcher = PLACEHOLDER.matcher(template.replace("\n", "\r\n"));
    StringBuilder out = new StringBuilder(template.length() + 256);
    while (matcher.find()) {
      String key = matcher.group(1);
      // The length is known only once the body is filled in.
      String value = key.equals("content-length") ? LENGTH_MARK : values.get(key);
      if (value == null) {
        throw new IllegalArgumentException(name + " needs a value for ${" + key + "}");
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    String filled = out.toString();
    int length = filled.substring(filled.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.UTF_8).length;
    return filled.replace(LENGTH_MARK, Integer.toString(length)).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return name;
  }

  private static String participant(String value) {
    int bar = value.indexOf('|');
    return bar < 0 ? value.strip() + "|" : value.substring(0, bar).strip() + "|" + value.substring(bar + 1).strip();
  }

  private static List<String> list(String value) {
    return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static Path directory() {
    try {
      return Path.of(Objects.requireNonNull(SbcOffer.class.getClassLoader().getResource(DIRECTORY),
          "no " + DIRECTORY + " on the test class path").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
