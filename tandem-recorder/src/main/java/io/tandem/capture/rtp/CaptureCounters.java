package io.tandem.capture.rtp;

/**
 * A snapshot of media capture's running totals, for metrics: valid packets received, packets ignored (payload
 * types the stream does not know), malformed datagrams, packets lost in calls already closed, calls open now,
 * packets dropped for coming from another source than the one a stream latched to, streams taken over by a new
 * source after silence, SRTP packets refused for their tag and as replays, and timestamp jumps held to the time
 * that passed. Immutable.
 */
public record CaptureCounters(long packetsReceived, long packetsIgnored, long packetsMalformed, long packetsLost,
    int openCalls, long foreignSource, long sourceTakeovers, long srtpUnauthentic, long srtpReplayed,
    long timestampJumps) {}
