package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.simulator.ConversationSent;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What became of the conversations a simulator sent, counted by copies and INUMs, never by correlation keys
 * (which the call database makes unique, and which differ between recorders when the SBC gives each its own):
 * each recorder's calls of a conversation are found by the session ids sent to it, and the interactions of the
 * conversation are those that hold any of those calls as a copy (or, for the copies of a recorder that is down,
 * whose key is one of those session ids). A conversation with no such interaction is
 * missing; one with two or more is duplicated; an interaction holding copies of two conversations is misjoined;
 * a finished call of a conversation that no interaction holds is an unlinked copy (one that holds no media too: it
 * is linked as a copy that holds nothing); and a best copy
 * that is truncated although a recorder holds a complete one is an incomplete best. Read from the Recorder Manager's API and the
 * call buffers of every recorder the conversations were sent to (both of a pair, or those of several pairs).
 */
record ConversationTally(int sent, int missing, int duplicated, int misjoined, int unlinkedCopies,
    int incompleteBest) {

  static ConversationTally of(PairFixture pair, List<ConversationSent> conversations) throws Exception {
    return of(List.of(pair.main, pair.backup), pair.managerUrl(), conversations);
  }

  /** The tally over every one of {@code recorders} (those of several pairs) and the Manager at {@code managerUrl}. */
  static ConversationTally of(List<RecorderProcess> recorders, String managerUrl, List<ConversationSent> conversations)
      throws Exception {
    Map<String, Integer> conversationOfKey = new HashMap<>();
    for (int i = 0; i < conversations.size(); i++) {
      for (String key : conversations.get(i).recorderSessionIds()) {
        conversationOfKey.put(key, i);
      }
    }
    Map<String, Integer> conversationOfInum = new HashMap<>();
    Set<String> finished = new HashSet<>();
    Set<Integer> completeSomewhere = new HashSet<>();
    for (RecorderProcess recorder : recorders) {
      if (!recorder.healthy()) {
        continue;
      }
      for (JsonNode call : PairFixture.getJson(recorder.adminUrl() + "/api/calls?limit=100000")) {
        Integer conversation = conversationOfKey.get(call.get("correlationKey").asText());
        if (conversation != null) {
          conversationOfInum.put(call.get("inum").asText(), conversation);
          if (!"RECORDING".equals(call.get("state").asText())) {
            finished.add(call.get("inum").asText());
          }
          if ("COMPLETE".equals(call.get("state").asText())) {
            completeSomewhere.add(conversation);
          }
        }
      }
    }
    Map<Integer, Set<Long>> interactionsOf = new HashMap<>();
    Set<String> linked = new HashSet<>();
    Set<Integer> incomplete = new HashSet<>();
    int misjoined = 0;
    for (JsonNode interaction : PairFixture.getJson(managerUrl + "/api/interactions?limit=100000")) {
      Set<Integer> held = new HashSet<>();
      Integer byKey = conversationOfKey.get(interaction.get("correlationKey").asText());
      if (byKey != null) {
        held.add(byKey);
        interactionsOf.computeIfAbsent(byKey, k -> new HashSet<>()).add(interaction.get("id").asLong());
      }
      for (JsonNode copy : interaction.get("copies")) {
        Integer conversation = conversationOfInum.get(copy.get("inum").asText());
        if (conversation != null) {
          held.add(conversation);
          linked.add(copy.get("inum").asText());
          interactionsOf.computeIfAbsent(conversation, k -> new HashSet<>()).add(interaction.get("id").asLong());
        }
      }
      misjoined += held.size() > 1 ? 1 : 0;
      if (!best(interaction).get("complete").asBoolean()) {
        incomplete.addAll(held);
      }
    }
    int missing = 0;
    int duplicated = 0;
    int incompleteBest = 0;
    for (int i = 0; i < conversations.size(); i++) {
      int count = interactionsOf.getOrDefault(i, Set.of()).size();
      missing += count == 0 ? 1 : 0;
      duplicated += count > 1 ? 1 : 0;
      incompleteBest += count > 0 && completeSomewhere.contains(i) && incomplete.contains(i) ? 1 : 0;
    }
    int unlinked = (int) finished.stream().filter(inum -> !linked.contains(inum)).count();
    return new ConversationTally(conversations.size(), missing, duplicated, misjoined, unlinked, incompleteBest);
  }

  /** Waits until no conversation is missing, then returns the tally. */
  static ConversationTally awaitEveryConversationOnce(PairFixture pair, List<ConversationSent> conversations) {
    return await().atMost(Duration.ofSeconds(30)).until(() -> of(pair, conversations),
        tally -> tally.missing() == 0);
  }

  /**
   * Waits until every conversation has one interaction and every copy of it is linked (the secondary's after
   * its grace period, twins after a merge pass), failing with the last tally otherwise; returns the tally.
   */
  static ConversationTally awaitEveryCopyLinked(PairFixture pair, List<ConversationSent> conversations,
      Duration atMost) {
    return awaitEveryCopyLinked(List.of(pair.main, pair.backup), pair.managerUrl(), conversations, atMost);
  }

  /** As {@link #awaitEveryCopyLinked(PairFixture, List, Duration)}, over every one of {@code recorders}. */
  static ConversationTally awaitEveryCopyLinked(List<RecorderProcess> recorders, String managerUrl,
      List<ConversationSent> conversations, Duration atMost) {
    AtomicReference<ConversationTally> last = new AtomicReference<>();
    await().atMost(atMost).untilAsserted(() -> {
      last.set(of(recorders, managerUrl, conversations));
      assertThat(List.of(last.get().missing(), last.get().duplicated(), last.get().unlinkedCopies()))
          .as("lost, duplicated, unlinked copies in %s", last.get()).containsOnly(0);
    });
    return last.get();
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
