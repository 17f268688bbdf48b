package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.capture.sip.MediaDescription;
import io.tandem.capture.sip.Sdp;
import io.tandem.capture.sip.SessionDescription;
import io.tandem.capture.sip.SipMessage;
import io.tandem.capture.sip.SipParseException;
import io.tandem.media.G711;
import io.tandem.media.ToneAnalysis;
import io.tandem.media.WavAudio;
import io.tandem.media.WavFile;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every offer of the SBC corpus ({@code sbc-offers}), sent as its family sends it (the exact bytes, over UDP or
 * TCP) to both recorders of a real pair with a known tone on each stream, then ended by BYE: each recorder
 * records it with the participants, quirks and codecs the offer file states, the call database holds one
 * interaction for it with the Main's copy marked, and replay through the Recorder Manager gives each stream's
 * tone on its own channel. One case per offer, so that the report reads as an interoperability table.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SbcOfferRecordingTest {
  /** The Main's and the Backup's INUM of each offer, for the last test. */
  private static final Map<SbcOffer, String[]> BACKUP_COPIES = new java.util.concurrent.ConcurrentHashMap<>();

  private static final double[] TONES = {700, 1300};
  private static final int PACKETS = 100;
  private static final Duration AWAIT = Duration.ofSeconds(30);

  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPair() throws Exception {
    // RTP ports of their own, away from the other integration tests' ranges.
    int rtpBase = 42_000 + 400 * ThreadLocalRandom.current().nextInt(20);
    // A short grace period, so that the Backup's gap audit links its copy of each offer within the test.
    pair = PairFixture.builder(root, 380001, 380002, rtpBase).rtpPorts(200)
        .recorderSettings(Map.of("gap.grace", "2s")).start();
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  static List<SbcOffer> offers() {
    return SbcOffer.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("offers")
  @Order(1)
  void eachOfferIsRecordedTwiceMarkedOnceAndReplayedWithItsTones(SbcOffer offer) throws Exception {
    Set<String> mainBefore = inums(pair.main);
    Set<String> backupBefore = inums(pair.backup);
    try (RawSipDialog toMain = RawSipDialog.open(sipAddress(pair.main), offer.tcp());
        RawSipDialog toBackup = RawSipDialog.open(sipAddress(pair.backup), offer.tcp())) {
      try {
        SipMessage mainAnswer = toMain.invite(render(offer, toMain, pair.main));
        SipMessage backupAnswer = toBackup.invite(render(offer, toBackup, pair.backup));
        assertAnswered("Main", offer, mainAnswer);
        assertAnswered("Backup", offer, backupAnswer);
        if (offer.startsInactive()) {
          mainAnswer = resume(offer, toMain);
          backupAnswer = resume(offer, toBackup);
        }
        ToneStreams.send(streams(offer, answer(mainAnswer), answer(backupAnswer)), PACKETS);
      } finally {
        endIfAnswered(toMain);
        endIfAnswered(toBackup);
      }
    }
    JsonNode mainCall = awaitNewCall(pair.main, mainBefore);
    JsonNode backupCall = awaitNewCall(pair.backup, backupBefore);
    assertRecordedAsOffered(offer, "Main", mainCall);
    assertRecordedAsOffered(offer, "Backup", backupCall);
    JsonNode interaction = awaitMarkedOnce(offer, mainCall.get("inum").asText(), backupCall.get("inum").asText());
    assertReplayHasTones(offer, interaction);
  }

  private static void assertAnswered(String position, SbcOffer offer, SipMessage answer) {
    assertThat(answer.status()).as("the %s's answer to %s (%s): %d %s", position, offer, offer.family(),
        answer.status(), answer.reason()).isBetween(200, 299);
  }

  /** The re-INVITE that takes a call off hold: the same offer with every stream sendonly. */
  private static SipMessage resume(SbcOffer offer, RawSipDialog dialog) throws IOException {
    SipMessage answer = dialog.reinvite(dialog.inviteBody().replace("a=inactive", "a=sendonly"));
    assertThat(answer.status()).as("answer to the re-INVITE resuming %s: %d %s", offer, answer.status(),
        answer.reason()).isBetween(200, 299);
    return answer;
  }

  private static void endIfAnswered(RawSipDialog dialog) throws IOException {
    if (dialog.answered()) {
      dialog.bye();
    }
  }

  private static byte[] render(SbcOffer offer, RawSipDialog dialog, RecorderProcess recorder) {
    String unique = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    return offer.render(Map.of("recorder", recorder.sipAddress(), "local", dialog.localAddress(),
        "transport", dialog.transport(), "call-id", unique + "-" + offer.name() + "@127.0.0.1",
        "tag", unique.substring(0, 8), "branch", "z9hG4bK" + unique, "media-ip", "127.0.0.1",
        "port-1", "40000", "port-2", "40002"));
  }

  private static SessionDescription answer(SipMessage response) throws SipParseException {
    return Sdp.parse(new String(response.body(), StandardCharsets.UTF_8));
  }

  /** Stream i of the offer carries tone i to the port each recorder answered for m-line i. */
  private static List<ToneStreams.Stream> streams(SbcOffer offer, SessionDescription main, SessionDescription backup) {
    assertThat(main.media()).as("m-lines the Main answered for %s", offer).hasSize(offer.codecs().size());
    assertThat(backup.media()).as("m-lines the Backup answered for %s", offer).hasSize(offer.codecs().size());
    List<ToneStreams.Stream> streams = new ArrayList<>();
    for (int i = 0; i < offer.codecs().size(); i++) {
      int payloadType = offer.codecs().get(i).equals("PCMA") ? G711.PCMA : G711.PCMU;
      streams.add(new ToneStreams.Stream(payloadType, TONES[i], List.of(destination(main, i), destination(backup, i))));
    }
    return streams;
  }

  private static InetSocketAddress destination(SessionDescription answer, int index) {
    MediaDescription media = answer.media().get(index);
    String address = media.connectionAddress() != null ? media.connectionAddress() : answer.connectionAddress();
    return new InetSocketAddress(address, media.port());
  }

  /** The recorder's own view of the call: complete, with the offer's participants, quirks and codecs. */
  private static void assertRecordedAsOffered(SbcOffer offer, String position, JsonNode call) {
    String where = position + "'s call " + call.get("inum").asText() + " of " + offer;
    assertThat(call.get("state").asText()).as("state of the %s", where).isEqualTo("COMPLETE");
    List<String> participants = new ArrayList<>();
    call.get("participants").forEach(p -> participants.add(p.get("aor").asText() + "|" + p.get("name").asText()));
    assertThat(participants).as("participants (AOR|name) of the %s", where)
        .containsExactlyInAnyOrderElementsOf(offer.participants());
    assertThat(texts(call.get("quirks"))).as("quirks of the %s", where)
        .containsExactlyInAnyOrderElementsOf(offer.quirks());
    List<String> codecs = new ArrayList<>();
    call.get("streams").forEach(s -> codecs.add(s.get("codec").asText()));
    assertThat(codecs).as("codec of each stream of the %s", where).containsExactlyElementsOf(offer.codecs());
  }

  /**
   * Exactly one interaction holds the conversation, the Main's copy in it marked, complete and MASTER with the
   * offer's quirks; wherever the Backup's copy is linked, it is in that same interaction.
   */
  /** Waits for the Main's copy of the offer to be marked; checks it, and that no other interaction holds either copy. */
  private static JsonNode awaitMarkedOnce(SbcOffer offer, String mainInum, String backupInum) {
    List<JsonNode> holding = await().atMost(AWAIT).until(() -> interactionsHolding(mainInum, backupInum),
        found -> found.stream().anyMatch(i -> copy(i, mainInum).isPresent()));
    assertThat(holding).as("interactions holding %s's copies %s and %s", offer, mainInum, backupInum).hasSize(1);
    assertCopy(offer, holding.get(0), mainInum, "MASTER");
    BACKUP_COPIES.put(offer, new String[] {mainInum, backupInum});
    return holding.get(0);
  }

  private static void assertCopy(SbcOffer offer, JsonNode interaction, String inum, String role) {
    JsonNode copy = copy(interaction, inum).orElseThrow();
    assertThat(copy.get("marked").asBoolean()).as("copy %s of %s is marked", inum, offer).isTrue();
    assertThat(copy.get("complete").asBoolean()).as("copy %s of %s is complete", inum, offer).isTrue();
    assertThat(copy.get("callRole").asText()).as("role of copy %s of %s", inum, offer).isEqualTo(role);
    assertThat(texts(copy.get("quirks"))).as("quirks on copy %s of %s", inum, offer)
        .containsExactlyInAnyOrderElementsOf(offer.quirks());
  }

  /**
   * Once the Backup's grace period has passed, its copy of every offer is linked to the interaction that holds
   * the Main's, and to no other: one conversation, one interaction, both copies. Waited for once, after all.
   */
  @Test
  @Order(2)
  void theBackupsCopyOfEveryOfferIsLinkedToTheSameInteraction() {
    assertThat(BACKUP_COPIES).as("offers recorded by the test above").hasSize(offers().size());
    BACKUP_COPIES.forEach((offer, inums) -> {
      List<JsonNode> holding = await().atMost(AWAIT).until(() -> interactionsHolding(inums),
          found -> found.size() == 1 && copy(found.get(0), inums[1]).isPresent());
      assertCopy(offer, holding.get(0), inums[1], "SLAVE");
    });
  }

  private static void assertReplayHasTones(SbcOffer offer, JsonNode interaction) throws Exception {
    HttpResponse<byte[]> media = PairFixture.getBytes(
        pair.managerUrl() + "/api/interactions/" + interaction.get("id").asText() + "/media", null);
    assertThat(media.statusCode()).as("replay of %s", offer).isEqualTo(200);
    WavAudio audio = WavFile.read(Files.write(root.resolve(offer.name() + ".wav"), media.body()));
    assertThat(audio.channels()).as("channels replayed for %s", offer).isEqualTo(offer.codecs().size());
    for (int channel = 0; channel < audio.channels(); channel++) {
      short[] samples = audio.channel(channel);
      assertThat(samples.length).as("samples of channel %d of %s", channel, offer)
          .isGreaterThan(audio.sampleRate() * PACKETS * ToneStreams.PACKET_MILLIS / 2000);
      assertThat(ToneAnalysis.dominantFrequency(samples, audio.sampleRate(), TONES))
          .as("tone of channel %d of %s", channel, offer).isEqualTo(TONES[channel]);
      assertThat(ToneAnalysis.power(samples, audio.sampleRate(), TONES[channel]))
          .as("power of the tone of channel %d of %s, against silence", channel, offer).isGreaterThan(1e5);
    }
  }

  private static JsonNode awaitNewCall(RecorderProcess recorder, Set<String> before) {
    return await().atMost(AWAIT).until(() -> newCalls(recorder, before),
        calls -> calls.size() == 1 && !calls.get(0).get("state").asText().equals("RECORDING")).get(0);
  }

  private static List<JsonNode> newCalls(RecorderProcess recorder, Set<String> before) throws Exception {
    List<JsonNode> calls = new ArrayList<>();
    for (JsonNode call : PairFixture.getJson(recorder.adminUrl() + "/api/calls?limit=100000")) {
      if (!before.contains(call.get("inum").asText())) {
        calls.add(call);
      }
    }
    return calls;
  }

  private static Set<String> inums(RecorderProcess recorder) throws Exception {
    Set<String> inums = new HashSet<>();
    PairFixture.getJson(recorder.adminUrl() + "/api/calls?limit=100000").forEach(c -> inums.add(c.get("inum").asText()));
    return inums;
  }

  private static List<JsonNode> interactionsHolding(String... inums) throws Exception {
    List<JsonNode> holding = new ArrayList<>();
    for (JsonNode interaction : PairFixture.getJson(pair.managerUrl() + "/api/interactions?limit=100000")) {
      if (Arrays.stream(inums).anyMatch(inum -> copy(interaction, inum).isPresent())) {
        holding.add(interaction);
      }
    }
    return holding;
  }

  private static Optional<JsonNode> copy(JsonNode interaction, String inum) {
    for (JsonNode copy : interaction.get("copies")) {
      if (copy.get("inum").asText().equals(inum)) {
        return Optional.of(copy);
      }
    }
    return Optional.empty();
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    if (array != null) {
      array.forEach(node -> texts.add(node.asText()));
    }
    return texts;
  }

  private static InetSocketAddress sipAddress(RecorderProcess recorder) {
    return new InetSocketAddress("127.0.0.1", recorder.sipPort);
  }
}
