package io.tandem.capture.rtp;

import io.tandem.media.G711;
import java.nio.channels.DatagramChannel;

/**
 * Places one stream's packets on its call's timeline: by RTP timestamp from an anchor taken at the
 * arrival of the stream's first packet, decoded into its channel of the call's frame ring. The
 * anchor is taken again at a new SSRC (where the stream ended, when the new source arrives within the
 * jitter allowed for), a timestamp jump, or an in-order packet that would land wholly or partly in the call's
 * past (a hold resumed with timestamps carrying on, a stream fallen behind), so no audio is dropped as late.
 * Only a packet older than one already placed can come too late: wholly, and it is counted lost; partly, and
 * its samples already written past are cut.
 * Tracks sequence numbers to drop duplicates and count losses. Confined to its capture thread.
 */
final class StreamTimeline {
  /** A timestamp moving more than 10 s at once is a new source, not the same clock. */
  private static final int MAX_TIMESTAMP_JUMP = 10 * 8000;
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

  final int channel;
  final int port;
  final DatagramChannel socket;
  final CallRecording call;
  final ReceiveBudget budget = new ReceiveBudget();
  final ReceivePace pace;

  private boolean anchored;
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
    this.call = call;
    this.pace = new ReceivePace(pollSpanSamples);
    this.channel = channel;
    this.port = port;
    this.socket = socket;
  }

  /**
   * Puts a parsed G.711 packet in its place.
   *
   * @param arrivalPosition the call timeline frame at which the packet arrived, whole 20 ms frames
   * @return false when the packet was a duplicate or came too late to be written
   */
  boolean place(RtpPacket packet, long arrivalPosition) {
    long timestamp = packet.timestamp();
    if (!anchored || packet.ssrc() != ssrc
        || Math.abs((int) (timestamp - (highestTimestamp & 0xFFFF_FFFFL))) > MAX_TIMESTAMP_JUMP) {
      boolean newSource = anchored && packet.ssrc() != ssrc && endPosition > 0;
      anchor(packet, newSource && arrivalPosition - endPosition <= SSRC_JOIN ? endPosition : arrivalPosition);
    }
    long extendedTimestamp = highestTimestamp + (int) (timestamp - (highestTimestamp & 0xFFFF_FFFFL));
    long sequence = highestSequence + (short) (packet.sequence() - (int) (highestSequence & 0xFFFF));
    if (Math.abs(sequence - highestSequence) > MAX_SEQUENCE_JUMP) {
      restartSequence(packet.sequence());
      sequence = highestSequence;
    }
    long behind = highestSequence - sequence;
    if (behind >= SEQUENCE_WINDOW || (behind >= 0 && (seenWindow & (1L << behind)) != 0)) {
      return false;
    }
    long position = anchorPosition + (extendedTimestamp - anchorTimestamp);
    int length = packet.payloadLength();
    long written = call.writtenFrames();
    if (behind < 0 && (position < written || arrivalPosition - position > MAX_LAG)) {
      // Newer than anything the stream sent, yet in the call's past: the sender's clock stood still while
      // the call went on (a hold resumed with timestamps carrying on) or fell behind. It goes where it arrived.
      // One only partly in the past (the stream fell behind the call's other streams by about the jitter
      // delay) goes just past what is written, moved by less than its length rather than cut.
      boolean partly = position + length > written && arrivalPosition - position <= MAX_LAG;
      anchor(packet, partly ? written : arrivalPosition);
      extendedTimestamp = highestTimestamp;
      sequence = highestSequence;
      behind = 0;
      position = anchorPosition;
    }
    if (position + length <= written) {
      return false;
    }
    markSeen(sequence, behind);
    if (extendedTimestamp > highestTimestamp) {
      highestTimestamp = extendedTimestamp;
    }
    call.makeRoomUpTo(position + length);
    decodeInto(packet, position, length);
    endPosition = Math.max(endPosition, position + length);
    return true;
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

  private void anchor(RtpPacket packet, long arrivalPosition) {
    anchored = true;
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

  private void decodeInto(RtpPacket packet, long position, int length) {
    int skip = (int) Math.max(0, call.writtenFrames() - position);
    call.ring.decode(channel, position, G711.decodeTable(packet.payloadType()), packet.buffer(), packet.payloadOffset(),
        skip, length);
  }
}
