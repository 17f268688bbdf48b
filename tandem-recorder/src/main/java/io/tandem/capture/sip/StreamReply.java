package io.tandem.capture.sip;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes responses back over the TCP or TLS connection a request came on, one whole message at a time. */
final class StreamReply implements SipReply {
  private static final Logger log = LoggerFactory.getLogger(StreamReply.class);

  private final Socket socket;
  private final SipPeer peer;

  StreamReply(Socket socket, SipPeer peer) {
    this.socket = socket;
    this.peer = peer;
  }

  @Override
  public void send(SipMessage response) {
    byte[] bytes = response.toBytes();
    synchronized (this) {
      try {
        OutputStream out = socket.getOutputStream();
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        // The peer closed the connection; what it asked for was already done before this answer.
        log.debug("SIP {} send to {} failed: {}", peer.transport(), peer, e.getMessage());
      }
    }
  }

  @Override
  public boolean reliable() {
    return true;
  }

  @Override
  public SipPeer peer() {
    return peer;
  }
}
