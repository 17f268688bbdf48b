package io.tandem.simulator;

import java.time.Instant;

/** One conversation the simulator started: its index, session id, start, and the tone of each stream (Hz). */
public record ConversationSent(int index, String sessionId, Instant start, double frequency1, double frequency2) {}
