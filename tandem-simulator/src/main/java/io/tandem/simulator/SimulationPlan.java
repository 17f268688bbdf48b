package io.tandem.simulator;

import io.tandem.capture.srtp.SrtpSuite;
import io.tandem.media.G711;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What the call simulator does: fork each of {@code conversations} to every recorder of a pair, the pairs taken in
 * turn when there are several (conversation i to pair i mod the number of pairs), starting
 * {@code callsPerSecond} conversations a second, each lasting {@code callDuration}, over {@code transport}
 * ("udp", "tcp" or "tls") with G.711 payload type 0 or 8, naming each conversation to the recorders as
 * {@code sessionIds} says, as SRTP of {@code srtp} (SDES keys in the offer) or plain RTP (null). Over TLS the
 * recorders' certificates are checked against {@code tlsTrust} (PEM certificates) or, when null, the JDK's
 * trusted authorities, and must name the address called. Immutable; validated when built, errors name the field.
 */
public record SimulationPlan(List<List<InetSocketAddress>> pairs, int conversations, double callsPerSecond,
    Duration callDuration, String transport, int payloadType, SessionIds sessionIds, SrtpSuite srtp,
    Path tlsTrust) {

  private static final Set<String> TRANSPORTS = Set.of("udp", "tcp", "tls");

  public SimulationPlan {
    if (pairs == null || pairs.isEmpty()) {
      throw new IllegalArgumentException("pairs must name at least one pair");
    }
    for (List<InetSocketAddress> recorders : pairs) {
      if (recorders == null || recorders.isEmpty()) {
        throw new IllegalArgumentException("recorders must name at least one SIP address for each pair");
      }
    }
    pairs = pairs.stream().map(List::copyOf).toList();
    if (conversations < 1) {
      throw new IllegalArgumentException("conversations must be >= 1, got " + conversations);
    }
    if (!(callsPerSecond > 0) || Double.isInfinite(callsPerSecond)) {
      throw new IllegalArgumentException("callsPerSecond must be a positive number, got " + callsPerSecond);
    }
    if (callDuration == null || callDuration.toMillis() < 20) {
      throw new IllegalArgumentException("callDuration must be at least 20 ms (one packet), got " + callDuration);
    }
    if (transport == null || !TRANSPORTS.contains(transport)) {
      throw new IllegalArgumentException("transport must be udp, tcp or tls, got " + transport);
    }
    if (tlsTrust != null && !transport.equals("tls")) {
      throw new IllegalArgumentException("tlsTrust is for the tls transport, got transport " + transport);
    }
    if (!G711.supports(payloadType)) {
      throw new IllegalArgumentException("payloadType must be 0 (PCMU) or 8 (PCMA), got " + payloadType);
    }
    if (sessionIds == null) {
      throw new IllegalArgumentException("sessionIds must be given");
    }
  }

  /**
   * A plan that sends every recorder the same session id, over plain RTP, and with the JDK's trusted
   * authorities if the transport is TLS.
   */
  public SimulationPlan(List<InetSocketAddress> recorders, int conversations, double callsPerSecond,
      Duration callDuration, String transport, int payloadType) {
    this(List.of(recorders), conversations, callsPerSecond, callDuration, transport, payloadType, SessionIds.SHARED,
        null, null);
  }

  /** A plan naming conversations as {@code sessionIds} says, over plain RTP. */
  public SimulationPlan(List<InetSocketAddress> recorders, int conversations, double callsPerSecond,
      Duration callDuration, String transport, int payloadType, SessionIds sessionIds) {
    this(List.of(recorders), conversations, callsPerSecond, callDuration, transport, payloadType, sessionIds, null,
        null);
  }

  /** The recorders conversation {@code index} is forked to: its pair's, the pairs taken in turn. */
  public List<InetSocketAddress> recordersOf(int index) {
    return pairs.get(Math.floorMod(index, pairs.size()));
  }

  /** Every recorder of every pair, in the pairs' order. */
  public List<InetSocketAddress> recorders() {
    return pairs.stream().flatMap(List::stream).toList();
  }

  /** The number of 20 ms packets each stream of a call carries. */
  public int packetsPerStream() {
    return (int) Math.max(1, callDuration.toMillis() / Tones.PACKET_MILLIS);
  }
}
