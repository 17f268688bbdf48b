package io.tandem.capture.siprec;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.callbuffer.InumAllocator;
import io.tandem.callbuffer.LocalStore;
import io.tandem.capture.rtp.CaptureSettings;
import io.tandem.capture.rtp.MediaCapture;
import io.tandem.capture.rtp.RtpPortPool;
import io.tandem.capture.sip.AllowList;
import io.tandem.capture.sip.SipLimits;
import io.tandem.capture.sip.SipRefusals;
import io.tandem.capture.sip.SipServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLContext;

/**
 * Recording sessions behind a real SIP server on loopback, taking SIP from all of 127.0.0.0/8, with a real capture
 * on RTP ports below the ephemeral range; requests are sent from a chosen loopback address. For tests.
 */
final class SessionsOnLoopback implements AutoCloseable {
  final LocalStore store;
  final CallBuffer buffer;
  final MediaCapture media;
  final RecordingSessions sessions;
  final SipServer sip;
  final SipRefusals refusals = new SipRefusals();
  final List<CallRecord> ended = new CopyOnWriteArrayList<>();

  SessionsOnLoopback(Path dataDir, SipLimits limits, SSLContext tls) throws IOException {
    store = LocalStore.open(dataDir.resolve("buffer.db"));
    buffer = new CallBuffer(store, new InumAllocator(store, 400_003, null), Clock.systemUTC());
    int base = 23_000 + 2 * ThreadLocalRandom.current().nextInt(4_000);
    media = new MediaCapture("127.0.0.1", new RtpPortPool(base, base + 200), dataDir, Clock.systemUTC(),
        CaptureSettings.defaults());
    sessions = new RecordingSessions(buffer, media, () -> CallRole.MASTER, (inum, end, state, stats, dtmf) -> {
      CallRecord call = buffer.finish(inum, end, state, stats, dtmf);
      ended.add(call);
      return call;
    }, "127.0.0.1", Clock.systemUTC(), limits, refusals);
    sip = new SipServer(sessions, AllowList.LOOPBACK, limits, refusals);
    sip.start("127.0.0.1", 0);
    if (tls != null) {
      sip.startTls("127.0.0.1", 0, tls);
    }
  }

  /** Sends one datagram from {@code from} (any port) and returns the first answer. */
  String exchange(String message, String from) throws IOException {
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(from), 0))) {
      socket.setSoTimeout(3000);
      byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
      socket.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", sip.port())));
      byte[] received = new byte[65_535];
      DatagramPacket packet = new DatagramPacket(received, received.length);
      socket.receive(packet);
      return new String(received, 0, packet.getLength(), StandardCharsets.UTF_8);
    }
  }

  String exchange(String message) throws IOException {
    return exchange(message, "127.0.0.1");
  }

  static String toTag(String response) {
    return response.replaceAll("(?s).*\r\nTo: [^\r]*;tag=([^;\r]+).*", "$1");
  }

  @Override
  public void close() {
    sip.stop();
    media.stop();
    store.close();
  }
}
