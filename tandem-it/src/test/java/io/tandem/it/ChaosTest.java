package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.simulator.ConversationSent;
import io.tandem.simulator.SessionIds;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under simulator load, kill -9 the current primary at a random moment, let the RRC fail over, restart it,
 * and go on for several rounds ({@code -Dchaos.rounds}, default 3; {@code -Dchaos.conversations} per round,
 * default 14). At the end every conversation sent has exactly one interaction, which holds no copy of another
 * conversation, and whose best copy is complete wherever a complete copy exists.
 */
class ChaosTest {
  static final int ROUNDS = Integer.getInteger("chaos.rounds", 3);
  static final int CONVERSATIONS = Integer.getInteger("chaos.conversations", 14);

  @TempDir
  static Path root;

  static PairFixture pair;

  @BeforeAll
  static void startPair() throws Exception {
    pair = new PairFixture(root, 390_001, 390_002, 24_000);
  }

  @AfterAll
  static void stopPair() throws Exception {
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void killingThePrimaryAtRandomLosesAndDuplicatesNoConversation() throws Exception {
    List<ConversationSent> sent = ChaosRounds.run(pair, ROUNDS, CONVERSATIONS, SessionIds.SHARED);

    ConversationTally tally = ConversationTally.awaitEveryConversationOnce(pair, sent);

    System.out.printf("chaos: %d rounds, %s%n", ROUNDS, tally);
    assertThat(tally.sent()).isEqualTo(sent.size());
    assertThat(List.of(tally.missing(), tally.duplicated(), tally.misjoined(), tally.incompleteBest()))
        .as("lost, duplicated, misjoined, incomplete best").containsOnly(0);
  }
}
