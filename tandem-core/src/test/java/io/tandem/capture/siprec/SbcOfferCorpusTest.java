package io.tandem.capture.siprec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.tandem.capture.sip.SipMessage;
import io.tandem.capture.sip.SipParser;
import io.tandem.media.G711;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The recorder's parser against every offer of the SBC corpus (tandem-it's {@code sbc-offers}, shapes real
 * SBC families send): each is a recording the recorder must accept (DESIGN guarantee 7), with the
 * participants and the codec per stream its file states. The quirks each file states are checked end to end
 * by tandem-it's SbcOfferRecordingTest, through the recorder's call view.
 */
class SbcOfferCorpusTest {
  /** Values for the placeholders; the media address and five-digit ports keep part lengths exact. */
  private static final Map<String, String> VALUES = Map.of("recorder", "127.0.0.1:5070", "local", "127.0.0.1:5060",
      "transport", "UDP", "call-id", "corpus-1@127.0.0.1", "tag", "c0rpu5", "branch", "z9hG4bKc0rpu5",
      "media-ip", "127.0.0.1", "port-1", "40000", "port-2", "40002");
  private static final List<String> FAMILIES = List.of("Oracle", "Avaya", "Cisco Unified Border Element", "Ribbon",
      "AudioCodes", "BroadWorks", "Metaswitch", "FreeSWITCH", "OpenSIPS", "SEMS", "Genesys", "Twilio");

  static List<Path> offers() throws Exception {
    Path directory = Path.of(Objects.requireNonNull(SbcOfferCorpusTest.class.getClassLoader()
        .getResource("sbc-offers"), "no sbc-offers on the test class path").toURI());
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(f -> f.toString().endsWith(".sip")).sorted().toList();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("offers")
  void everyCorpusOfferIsAcceptedWithItsParticipantsQuirksAndCodecs(Path file) throws Exception {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    SipMessage invite = SipParser.parse(render(lines));
    SiprecOffer offer;
    try {
      offer = SiprecOffer.from(invite);
    } catch (SiprecException e) {
      fail("%s was refused: %d %s", file.getFileName(), e.status(), e.reason());
      return;
    }
    List<String> participants = offer.participants().stream().map(p -> p.aor() + "|" + p.name()).toList();
    assertThat(participants).as("participants (AOR|name) of %s", file.getFileName())
        .containsExactlyInAnyOrderElementsOf(header(lines, "participant").stream().map(SbcOfferCorpusTest::participant)
            .toList());
    List<String> quirks = header(lines, "quirks").stream().flatMap(q -> List.of(q.split(",\\s*")).stream())
        .map(String::strip).filter(q -> !q.isEmpty() && !q.equals("none")).toList();
    assertThat(offer.quirks()).as("quirks of %s", file.getFileName()).containsExactlyInAnyOrderElementsOf(quirks);
    assertThat(offer.sipIdentity()).as("SIP identity of %s", file.getFileName())
        .isEqualTo(header(lines, "sip-identity").stream().findFirst().orElse(""));
    List<String> codecs = offer.streams().stream().map(s -> s.payloadType() == G711.PCMA ? "PCMA"
        : s.payloadType() == G711.PCMU ? "PCMU" : "payload type " + s.payloadType()).toList();
    assertThat(codecs).as("codec chosen for each stream of %s", file.getFileName())
        .containsExactlyElementsOf(List.of(header(lines, "codecs").get(0).split(",\\s*")));
  }

  @Test
  void theCorpusHoldsAtLeastTwelveOffersAndEveryFamilyOfIssue11() throws Exception {
    List<String> families = new ArrayList<>();
    for (Path file : offers()) {
      families.addAll(header(Files.readAllLines(file, StandardCharsets.UTF_8), "family"));
    }
    assertThat(families).hasSizeGreaterThanOrEqualTo(12);
    for (String family : FAMILIES) {
      assertThat(families).as("offers of the %s family", family).anyMatch(f -> f.contains(family));
    }
  }

  @Test
  void thePaddedBoundaryOfferKeepsItsTrailingWhitespace() throws Exception {
    Path padded = offers().stream().filter(f -> f.toString().contains("padded-boundary")).findFirst().orElseThrow();
    // An editor that trims lines would silently turn this shape into the plain one.
    assertThat(Files.readAllLines(padded, StandardCharsets.UTF_8))
        .filteredOn(line -> line.startsWith("--metaswitch-boundary"))
        .containsExactly("--metaswitch-boundary  ", "--metaswitch-boundary", "--metaswitch-boundary-- ");
  }

  /** The INVITE as the harness sends it: placeholders filled, CRLF line ends, Content-Length of the body. */
  private static byte[] render(List<String> lines) {
    String template = String.join("\r\n", lines.stream().filter(l -> !l.startsWith("#")).toList()) + "\r\n";
    for (var value : VALUES.entrySet()) {
      template = template.replace("${" + value.getKey() + "}", value.getValue());
    }
    int body = template.getBytes(StandardCharsets.UTF_8).length
        - template.substring(0, template.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.UTF_8).length;
    return template.replace("${content-length}", Integer.toString(body)).getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> header(List<String> lines, String key) {
    return lines.stream().filter(l -> l.startsWith("# " + key + ":"))
        .map(l -> l.substring(key.length() + 3).strip()).toList();
  }

  private static String participant(String value) {
    int bar = value.indexOf('|');
    return bar < 0 ? value + "|" : value.substring(0, bar).strip() + "|" + value.substring(bar + 1).strip();
  }
}
