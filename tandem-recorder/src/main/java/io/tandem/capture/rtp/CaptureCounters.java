package io.tandem.capture.rtp;

/**
 * A snapshot of media capture's running totals, for metrics: valid G.711 packets received, packets
 * ignored (other payload types such as telephone-event), malformed datagrams, packets lost in calls
 * already closed, and calls open now. Immutable.
 */
public record CaptureCounters(long packetsReceived, long packetsIgnored, long packetsMalformed, long packetsLost,
    int openCalls) {}
