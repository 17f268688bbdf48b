package io.tandem.simulator;

import io.tandem.capture.rtp.RtpPacket;
import io.tandem.capture.srtp.SrtpSender;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends the RTP of every active stream from one UDP socket and one thread, in real time: each stream
 * gets a 20 ms packet whenever one is due, with its own SSRC, sequence numbers and timestamps, protected as
 * SRTP when the stream has a sender for it. A stream
 * that falls behind catches up in a burst rather than dropping packets. Thread-safe: any thread may start
 * a stream.
 */
final class RtpPacer implements AutoCloseable {
  private static final long PACKET_NANOS = Tones.PACKET_MILLIS * 1_000_000L;

  private final DatagramChannel channel;
  private final List<Stream> active = new CopyOnWriteArrayList<>();
  private final AtomicLong packetsSent = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  /** Sends from {@code local}, the address offered in the SDP. */
  RtpPacer(InetAddress local) throws IOException {
    channel = DatagramChannel.open(local instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6
        : StandardProtocolFamily.INET);
    channel.bind(new InetSocketAddress(local, 0));
    thread = Thread.ofPlatform().daemon().name("simulator-rtp-pacer").start(this::run);
  }

  /** The address RTP leaves from, offered in the SDP. */
  InetAddress localAddress() throws IOException {
    return ((InetSocketAddress) channel.getLocalAddress()).getAddress();
  }

  /** The port RTP leaves from, offered in the SDP. */
  int localPort() throws IOException {
    return ((InetSocketAddress) channel.getLocalAddress()).getPort();
  }

  long packetsSent() {
    return packetsSent.get();
  }

  /** Starts a stream now, as SRTP through {@code srtp} unless it is null; the future completes when its last packet is sent. */
  CompletableFuture<Void> start(InetSocketAddress target, int payloadType, long ssrc, double frequency,
      int packets, SrtpSender srtp) {
    Stream stream = new Stream(target, payloadType, ssrc, frequency, packets, System.nanoTime(), srtp);
    active.add(stream);
    LockSupport.unpark(thread);
    return stream.done;
  }

  private void run() {
    // Room for an SRTP tag and an MKI of up to four bytes.
    ByteBuffer out = ByteBuffer.allocate(RtpPacket.HEADER_LENGTH + Tones.SAMPLES_PER_PACKET + 14);
    while (running) {
      long now = System.nanoTime();
      long nextDue = now + PACKET_NANOS;
      for (Stream stream : active) {
        while (stream.nextDue - now <= 0 && !stream.done.isDone()) {
          sendNext(stream, out);
        }
        if (stream.done.isDone()) {
          active.remove(stream);
        } else if (stream.nextDue - nextDue < 0) {
          nextDue = stream.nextDue;
        }
      }
      long wait = nextDue - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(this, wait);
      }
    }
  }

  private void sendNext(Stream stream, ByteBuffer out) {
    int index = stream.sent;
    out.clear();
    int length = RtpPacket.write(out.array(), stream.payloadType, index == 0, (stream.firstSequence + index) & 0xFFFF,
        (stream.firstTimestamp + (long) index * Tones.SAMPLES_PER_PACKET) & 0xFFFF_FFFFL, stream.ssrc,
        stream.payload(index), 0, Tones.SAMPLES_PER_PACKET);
    if (stream.srtp != null) {
      length = stream.srtp.protect(out.array(), length);
    }
    out.limit(length);
    try {
      channel.send(out, stream.target);
      packetsSent.incrementAndGet();
    } catch (IOException e) {
      stream.done.completeExceptionally(e);
      return;
    }
    stream.sent++;
    stream.nextDue += PACKET_NANOS;
    if (stream.sent == stream.packets) {
      stream.done.complete(null);
    }
  }

  @Override
  public void close() throws IOException {
    running = false;
    LockSupport.unpark(thread);
    SipClientTransport.awaitEnd(thread);
    channel.close();
    active.forEach(stream -> stream.done.completeExceptionally(new IOException("RTP pacer closed")));
  }

  /** One stream's sending state; touched only by the pacer thread after it is started. */
  private static final class Stream {
    final InetSocketAddress target;
    final int payloadType;
    final long ssrc;
    final double frequency;
    final int packets;
    final int firstSequence;
    final long firstTimestamp;
    final byte[] repeatedPayload;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final SrtpSender srtp;
    long nextDue;
    int sent;

    Stream(InetSocketAddress target, int payloadType, long ssrc, double frequency, int packets, long start,
        SrtpSender srtp) {
      this.srtp = srtp;
      this.target = target;
      this.payloadType = payloadType;
      this.ssrc = ssrc;
      this.frequency = frequency;
      this.packets = packets;
      this.firstSequence = (int) (ssrc & 0x7FFF);
      this.firstTimestamp = (ssrc >>> 8) & 0xFFFF_FFFL;
      this.repeatedPayload = Tones.repeatsEveryPacket(frequency) ? Tones.payload(frequency, payloadType, 0) : null;
      this.nextDue = start;
    }

    byte[] payload(int index) {
      return repeatedPayload != null ? repeatedPayload : Tones.payload(frequency, payloadType, index);
    }
  }
}
