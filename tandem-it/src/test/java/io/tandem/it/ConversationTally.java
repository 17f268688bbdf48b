package io.tandem.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.simulator.ConversationSent;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What became of the conversations a simulator sent: how many have no interaction, more than one, or a best
 * copy that is truncated although some recorder holds a complete copy. Read from the Recorder Manager's API
 * and the recorders' call buffers.
 */
record ConversationTally(int sent, int missing, int duplicated, int incompleteBest) {

  static ConversationTally of(PairFixture pair, List<ConversationSent> conversations) throws Exception {
    Map<String, Integer> interactions = new HashMap<>();
    Map<String, Boolean> bestComplete = new HashMap<>();
    for (JsonNode interaction : PairFixture.getJson(pair.managerUrl() + "/api/interactions?limit=100000")) {
      String key = interaction.get("correlationKey").asText();
      interactions.merge(key, 1, Integer::sum);
      bestComplete.put(key, best(interaction).get("complete").asBoolean());
    }
    Set<String> completeSomewhere = new HashSet<>();
    for (RecorderProcess recorder : List.of(pair.main, pair.backup)) {
      if (recorder.healthy()) {
        for (JsonNode call : PairFixture.getJson(recorder.adminUrl() + "/api/calls?limit=100000")) {
          if ("COMPLETE".equals(call.get("state").asText())) {
            completeSomewhere.add(call.get("correlationKey").asText());
          }
        }
      }
    }
    int missing = 0;
    int duplicated = 0;
    int incompleteBest = 0;
    for (ConversationSent conversation : conversations) {
      int count = interactions.getOrDefault(conversation.sessionId(), 0);
      missing += count == 0 ? 1 : 0;
      duplicated += count > 1 ? 1 : 0;
      if (count > 0 && completeSomewhere.contains(conversation.sessionId())
          && !bestComplete.get(conversation.sessionId())) {
        incompleteBest++;
      }
    }
    return new ConversationTally(conversations.size(), missing, duplicated, incompleteBest);
  }

  /** Waits until no conversation is missing, then returns the tally. */
  static ConversationTally awaitEveryConversationOnce(PairFixture pair, List<ConversationSent> conversations) {
    return await().atMost(Duration.ofSeconds(30)).until(() -> of(pair, conversations),
        tally -> tally.missing() == 0);
  }

  static JsonNode best(JsonNode interaction) {
    String bestInum = interaction.get("bestInum").asText();
    for (JsonNode copy : interaction.get("copies")) {
      if (copy.get("inum").asText().equals(bestInum)) {
        return copy;
      }
    }
    throw new AssertionError("interaction " + interaction + " has no copy for its best INUM");
  }
}
