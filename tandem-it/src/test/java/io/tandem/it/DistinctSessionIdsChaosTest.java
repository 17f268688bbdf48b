package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.simulator.ConversationSent;
import io.tandem.simulator.SessionIds;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos of {@link ChaosTest} with an SBC that gives each recorder its own session id for one conversation,
 * the same participants to both, and as a variant the same SIP identity of the recorded call: copies are then
 * matched by what they share, never by their keys. At the end every conversation has exactly one interaction,
 * no interaction holds copies of two conversations, and once the secondary's grace period has passed, every
 * copy of both recorders is linked. The variants run in order on one pair.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistinctSessionIdsChaosTest {
  /** Fewer rounds than the shared-id chaos: each variant repeats its kills, and the suite's time is counted. */
  private static final int ROUNDS = Integer.getInteger("chaos.distinctRounds", 2);

  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPair() throws Exception {
    pair = new PairFixture(root, 391_001, 391_002, 26_000, false, "500ms", Map.of("gap.grace", "3s"));
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  @Order(1)
  void eachRecorderWithItsOwnSessionIdLosesDuplicatesAndMisjoinsNoConversation() throws Exception {
    assertWhole(ChaosRounds.run(pair, ROUNDS, ChaosTest.CONVERSATIONS, SessionIds.DISTINCT));
  }

  @Test
  @Order(2)
  void withTheSameSipIdentityToBothRecordersTheSameHolds() throws Exception {
    assertWhole(ChaosRounds.run(pair, ROUNDS, ChaosTest.CONVERSATIONS,
        SessionIds.DISTINCT_WITH_SIP_IDENTITY));
  }

  private static void assertWhole(List<ConversationSent> sent) {
    ConversationTally tally = ConversationTally.awaitEveryCopyLinked(pair, sent, Duration.ofSeconds(60));

    System.out.printf("chaos with distinct session ids: %s%n", tally);
    assertThat(tally.sent()).isEqualTo(sent.size());
    assertThat(List.of(tally.missing(), tally.duplicated(), tally.misjoined(), tally.unlinkedCopies(),
        tally.incompleteBest())).as("lost, duplicated, misjoined, unlinked copies, incomplete best").containsOnly(0);
  }
}
