package io.tandem.capture.rtp;

import io.tandem.capture.sip.PayloadFormat;
import io.tandem.capture.srtp.SrtpReceiver;
import io.tandem.media.G711;
import java.net.SocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Places one stream's packets on its call's timeline (8 kHz frames): by RTP timestamp, scaled from the
 * payload format's clock rate, from an anchor taken at the arrival of the stream's first packet. G.711 is
 * decoded into its channel of the call's frame ring; other audio is only placed, for its raw copy. The
 * anchor is taken again at a new SSRC (where the stream ended, when the new source arrives within the
 * jitter allowed for), a change of clock rate (a switch to a codec with another clock), a timestamp jump,
 * or an in-order packet that would land wholly or partly in the call's past (a hold resumed with timestamps
 * carrying on, a stream fallen behind), so no audio is dropped as late. Only a G.711 packet older than one
 * already placed can come too late: wholly, and it is counted lost; partly, and its samples already written
 * past are cut; a raw packet is kept whole wherever it lands, since decoding places it later.
 * A packet may not land further ahead of its arrival than {@link #maxLead} (a second, and a fifth of a percent of
 * the call so far, more than any sender's clock runs fast): one that would is a timestamp jump, anchored again
 * where it arrived (or just past the stream's end), so the silence it writes is no more than the time that passed;
 * each such jump is counted. The stream also keeps the source it latched to and its SRTP receiver, for its
 * capture loop. Tracks sequence numbers to drop duplicates and count losses. Confined to its capture thread.
 */
final class StreamTimeline {
  /** A timestamp moving more than 10 s at once is a new source, not the same clock. */
  private static final int MAX_TIMESTAMP_JUMP_SECONDS = 10;
  private static final int TIMELINE_RATE = 8000;
  /** A sequence number moving this far (a minute of 20 ms packets) restarts the loss count. */
  private static final int MAX_SEQUENCE_JUMP = 3000;
  private static final int SEQUENCE_WINDOW = 64;
  /** A packet newer than any before it that lands this far behind its arrival (1 s) restarts the anchor. */
  private static final int MAX_LAG = 8000;
  /**
   * A new SSRC whose first packet arrives within this much (100 ms, the jitter the capture allows for) of
   * where the stream ended continues it without a gap: the sender switched sources, and the delay was the
   * network's or ours, not silence.
   */
  private static final int SSRC_JOIN = 800;
  /** A second of timeline: how far ahead of its arrival any packet may land, besides the drift allowance. */
  private static final int LEAD = TIMELINE_RATE;
  /** A sender's clock running 2,000 ppm fast (twenty times a poor crystal) gains 1/512 of the call. */
  private static final int DRIFT_SHIFT = 9;

  final int channel;
  final int port;
  final DatagramChannel socket;
  final CallRecording call;
  final ReceiveBudget budget = new ReceiveBudget();
  final ReceivePace pace;
  /** What each payload type means on this stream; replaced when a new offer changes the formats. */
  PayloadTable payloads;
  final TelephoneEvents events = new TelephoneEvents();
  /** The SRTP receiver of the stream's key, or null for plain RTP; replaced when a new offer changes the key. */
  SrtpReceiver srtp;
  /** The socket's file descriptor, for batch receive; -1 while its capture thread reads it one datagram a time. */
  int descriptor = -1;
  /** The sender of the socket's last datagram, for batch receive; null otherwise. */
  LastSender lastSender;
  /** The source the stream latched to (the first to send it a valid packet), or null before it. */
  SocketAddress source;
  /** Whether a new offer moved the stream: the next source other than the latched one takes it. */
  boolean moved;
  /** When the stream last took a packet, in the capture loop's clock: a new source may take it after silence. */
  long lastPacketMillis;
  private final AtomicLong timestampJumps;

  private boolean anchored;
  private int anchorClock = TIMELINE_RATE;
  private long ssrc;
  private long anchorPosition;
  private long anchorTimestamp;
  private long highestTimestamp;
  private long highestSequence;
  private long lowestSequence;
  private long seenWindow;
  private long acceptedInSegment;
  private long lostInEarlierSegments;
  private long endPosition;

  StreamTimeline(CallRecording call, int channel, int port, DatagramChannel socket, int pollSpanSamples) {
    this(call, channel, port, socket, pollSpanSamples, new PayloadTable(java.util.List.of()), new AtomicLong());
  }

  /** {@code timestampJumps} counts the jumps held to the time that passed; only this stream's thread adds to it. */
  StreamTimeline(CallRecording call, int channel, int port, DatagramChannel socket, int pollSpanSamples,
      PayloadTable payloads, AtomicLong timestampJumps) {
    this.timestampJumps = timestampJumps;
    this.payloads = payloads;
    this.call = call;
    this.pace = new ReceivePace(pollSpanSamples);
    this.channel = channel;
    this.port = port;
    this.socket = socket;
  }

  /**
   * Puts a parsed G.711 packet (8 kHz clock, one sample a byte) in its place.
   *
   * @param arrivalPosition the call timeline frame at which the packet arrived, whole 20 ms frames
   * @return false when the packet was a duplicate or came too late to be written
   */
  boolean place(RtpPacket packet, long arrivalPosition) {
    return place(packet, arrivalPosition, TIMELINE_RATE, packet.payloadLength(),
        G711.decodeTable(packet.payloadType())) >= 0;
  }

  /**
   * Puts a parsed packet in its place.
   *
   * @param arrivalPosition the call timeline frame at which the packet arrived, whole 20 ms frames
   * @param clockRate the RTP clock rate of the packet's payload format
   * @param length how long the packet plays, in 8 kHz frames
   * @param table the G.711 decode table, or null for a packet kept raw
   * @return the timeline frame the packet starts at, or -1 when it was a duplicate or came too late to be written
   */
  long place(RtpPacket packet, long arrivalPosition, int clockRate, int length, short[] table) {
    long timestamp = packet.timestamp();
    if (!anchored || packet.ssrc() != ssrc || clockRate != anchorClock
        || Math.abs((long) (int) (timestamp - (highestTimestamp & 0xFFFF_FFFFL)))
            > (long) MAX_TIMESTAMP_JUMP_SECONDS * clockRate) {
      boolean continues = anchored && (packet.ssrc() != ssrc || clockRate != anchorClock) && endPosition > 0;
      if (anchored && !continues && (int) (timestamp - (highestTimestamp & 0xFFFF_FFFFL)) > 0) {
        timestampJumps.lazySet(timestampJumps.get() + 1);
      }
      anchor(packet, continues && arrivalPosition - endPosition <= SSRC_JOIN ? endPosition : arrivalPosition,
          clockRate);
    }
    long extendedTimestamp = highestTimestamp + (int) (timestamp - (highestTimestamp & 0xFFFF_FFFFL));
    long sequence = highestSequence + (short) (packet.sequence() - (int) (highestSequence & 0xFFFF));
    if (Math.abs(sequence - highestSequence) > MAX_SEQUENCE_JUMP) {
      restartSequence(packet.sequence());
      sequence = highestSequence;
    }
    long behind = highestSequence - sequence;
    if (behind >= SEQUENCE_WINDOW || (behind >= 0 && (seenWindow & (1L << behind)) != 0)) {
      return -1;
    }
    long position = anchorPosition + frames(extendedTimestamp - anchorTimestamp);
    long written = call.writtenFrames();
    if (behind < 0 && (position < written || arrivalPosition - position > MAX_LAG)) {
      // Newer than anything the stream sent, yet in the call's past: the sender's clock stood still while
      // the call went on (a hold resumed with timestamps carrying on) or fell behind. It goes where it arrived.
      // One only partly in the past (the stream fell behind the call's other streams by about the jitter
      // delay) goes just past what is written, moved by less than its length rather than cut.
      boolean partly = position + length > written && arrivalPosition - position <= MAX_LAG;
      anchor(packet, partly ? written : arrivalPosition, clockRate);
      extendedTimestamp = highestTimestamp;
      sequence = highestSequence;
      behind = 0;
      position = anchorPosition;
    }
    if (behind <= 0 && position - arrivalPosition > maxLead(arrivalPosition)) {
      anchor(packet, arrivalPosition, clockRate);
      timestampJumps.lazySet(timestampJumps.get() + 1);
      extendedTimestamp = highestTimestamp;
      sequence = highestSequence;
      behind = 0;
      position = anchorPosition;
    }
    if (table != null && position + length <= written) {
      return -1;
    }
    markSeen(sequence, behind);
    if (extendedTimestamp > highestTimestamp) {
      highestTimestamp = extendedTimestamp;
    }
    if (table != null) {
      call.makeRoomUpTo(position + length);
      decodeInto(packet, table, position, length);
    }
    endPosition = Math.max(endPosition, position + length);
    return position;
  }

  /**
   * Counts a packet that carries no audio to place (telephone-event, comfort noise) in the stream's sequence,
   * so that it is not counted lost.
   *
   * @return false when it repeats a packet already counted
   */
  boolean count(RtpPacket packet) {
    if (!anchored || packet.ssrc() != ssrc) {
      return true;
    }
    long sequence = highestSequence + (short) (packet.sequence() - (int) (highestSequence & 0xFFFF));
    if (Math.abs(sequence - highestSequence) > MAX_SEQUENCE_JUMP) {
      return true;
    }
    long behind = highestSequence - sequence;
    if (behind >= SEQUENCE_WINDOW || (behind >= 0 && (seenWindow & (1L << behind)) != 0)) {
      return false;
    }
    markSeen(sequence, behind);
    return true;
  }

  /**
   * Takes a telephone-event packet as DTMF and keeps it raw at the place its event started: by its timestamp
   * when the stream's audio runs on the same source and clock, else by its arrival less its duration.
   */
  void telephoneEvent(RtpPacket packet, PayloadFormat format, long arrivalPosition) {
    if (!count(packet) || packet.payloadLength() < TelephoneEvents.PAYLOAD_BYTES) {
      return;
    }
    byte[] b = packet.buffer();
    int at = packet.payloadOffset();
    long start = positionOf(packet.ssrc(), packet.timestamp(), format.clockRate());
    if (start < 0) {
      long duration = ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
      start = Math.max(0, arrivalPosition - duration * TIMELINE_RATE / format.clockRate());
    }
    events.accept(b, at, packet.payloadLength(), packet.ssrc(), packet.timestamp(), start, format.clockRate());
    call.payloads.packet(channel, format, packet, start);
  }

  /**
   * The timeline frame of RTP {@code timestamp} of this stream's current source at {@code clockRate}, or -1
   * when the stream is not anchored on that source and clock.
   */
  long positionOf(long ssrc, long timestamp, int clockRate) {
    if (!anchored || ssrc != this.ssrc || clockRate != anchorClock) {
      return -1;
    }
    long extended = highestTimestamp + (int) (timestamp - (highestTimestamp & 0xFFFF_FFFFL));
    return Math.max(0, anchorPosition + frames(extended - anchorTimestamp));
  }

  /** How far ahead of its arrival a packet may land, {@code arrivalPosition} frames into the call. */
  static long maxLead(long arrivalPosition) {
    return LEAD + (arrivalPosition >> DRIFT_SHIFT);
  }

  /** Sequence numbers expected but never placed, over every SSRC this stream had. */
  long packetsLost() {
    if (acceptedInSegment == 0) {
      return lostInEarlierSegments;
    }
    return lostInEarlierSegments + Math.max(0, highestSequence - lowestSequence + 1 - acceptedInSegment);
  }

  /** The timeline frame after the last sample placed. */
  long endPosition() {
    return endPosition;
  }

  private void anchor(RtpPacket packet, long arrivalPosition, int clockRate) {
    anchored = true;
    anchorClock = clockRate;
    ssrc = packet.ssrc();
    anchorPosition = Math.max(arrivalPosition, Math.max(endPosition, call.writtenFrames()));
    anchorTimestamp = packet.timestamp();
    highestTimestamp = anchorTimestamp;
    restartSequence(packet.sequence());
  }

  private void restartSequence(int sequence) {
    lostInEarlierSegments = packetsLost();
    acceptedInSegment = 0;
    highestSequence = sequence;
    lowestSequence = sequence;
    seenWindow = 0;
  }

  private void markSeen(long sequence, long behind) {
    if (behind < 0) {
      long shift = -behind;
      seenWindow = shift >= SEQUENCE_WINDOW ? 1 : (seenWindow << shift) | 1;
      highestSequence = sequence;
    } else {
      seenWindow |= 1L << behind;
    }
    if (sequence < lowestSequence) {
      lowestSequence = sequence;
    }
    acceptedInSegment++;
  }

  /** Timeline frames of a timestamp difference at the anchor's clock rate. */
  private long frames(long timestampDelta) {
    return anchorClock == TIMELINE_RATE ? timestampDelta : Math.floorDiv(timestampDelta * TIMELINE_RATE, anchorClock);
  }

  private void decodeInto(RtpPacket packet, short[] table, long position, int length) {
    int skip = (int) Math.max(0, call.writtenFrames() - position);
    call.ring.decode(channel, position, table, packet.buffer(), packet.payloadOffset(), skip, length);
  }
}
