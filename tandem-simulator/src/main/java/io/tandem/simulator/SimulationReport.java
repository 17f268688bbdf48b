package io.tandem.simulator;

import io.tandem.json.Json;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a simulation did. {@code callsPerRecorder} counts, per recorder {@code host:port}, the calls that got
 * a 200 to their INVITE and to their BYE; {@code failures} counts conversations that did not complete on
 * some recorder. Immutable.
 */
public record SimulationReport(int conversationsSent, Map<String, Integer> callsPerRecorder, int failures,
    long packetsSent, List<ConversationSent> conversations) {

  public SimulationReport {
    callsPerRecorder = Collections.unmodifiableMap(new LinkedHashMap<>(callsPerRecorder));
    conversations = List.copyOf(conversations);
  }

  /** One line of JSON with the totals, without the per-conversation list. */
  public String summaryJson() {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("conversationsSent", conversationsSent);
    summary.put("callsPerRecorder", callsPerRecorder);
    summary.put("failures", failures);
    summary.put("packetsSent", packetsSent);
    return Json.write(summary);
  }
}
