package io.tandem.simulator;

import io.tandem.capture.sip.SessionDescription;
import io.tandem.capture.sip.Sdp;
import io.tandem.capture.sip.SipHeaders;
import io.tandem.capture.sip.SipMessage;
import io.tandem.capture.sip.SipParseException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The SIPREC dialog of one conversation with one recorder, as an SBC runs it: INVITE, ACK, BYE. Used by
 * one conversation thread at a time; not thread-safe.
 */
final class RecorderLeg {
  private final SipClientTransport transport;
  private final InetSocketAddress recorder;
  private final String callId = UUID.randomUUID() + "@simulator";
  private final String fromTag = token();
  private final String requestUri;
  private String toHeader;
  private SessionDescription answer;

  RecorderLeg(SipClientTransport transport, InetSocketAddress recorder) {
    this.transport = transport;
    this.recorder = recorder;
    this.requestUri = "sip:recorder@" + hostPort(recorder);
  }

  static String hostPort(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
  }

  InetSocketAddress recorder() {
    return recorder;
  }

  /** The recorder's SDP answer after a successful {@link #invite}. */
  SessionDescription answer() {
    return answer;
  }

  /** Sends the INVITE; completes true when the recorder answered 200 with a readable SDP and was ACKed. */
  CompletableFuture<Boolean> invite(String contentType, byte[] body) {
    SipMessage invite;
    try {
      invite = request("INVITE", 1, "<" + requestUri + ">")
          .header(SipHeaders.CONTACT, "<sip:sbc@" + hostPort(transport.localAddress(recorder)) + ";transport="
              + transport.viaTransport().toLowerCase(Locale.ROOT) + ">;+sip.src")
          .header(SipHeaders.REQUIRE, "siprec")
          .header(SipHeaders.SUPPORTED, "siprec, replaces")
          .body(contentType, body)
          .build();
    } catch (IOException e) {
      return CompletableFuture.completedFuture(false);
    }
    return transport.request(invite, recorder).handle((response, failure) -> {
      if (failure != null) {
        return false;
      }
      toHeader = response.header(SipHeaders.TO);
      if (response.status() / 100 != 2) {
        acknowledgeFailure(invite, response);
        return false;
      }
      sendAck();
      return readAnswer(response);
    });
  }

  /** Sends the BYE; completes true on a 200. */
  CompletableFuture<Boolean> bye() {
    SipMessage bye;
    try {
      bye = request("BYE", 2, toHeader).build();
    } catch (IOException e) {
      return CompletableFuture.completedFuture(false);
    }
    return transport.request(bye, recorder).handle((response, failure) -> failure == null
        && response.status() / 100 == 2);
  }

  private boolean readAnswer(SipMessage response) {
    try {
      answer = Sdp.parse(new String(response.body(), StandardCharsets.UTF_8));
      return true;
    } catch (SipParseException e) {
      return false;
    }
  }

  private void sendAck() {
    try {
      transport.send(request("ACK", 1, toHeader).build(), recorder);
    } catch (IOException e) {
      // A lost ACK makes the recorder retransmit its 200, which the transport acknowledges again.
    }
  }

  /** The ACK of a non-2xx final response belongs to the INVITE's transaction and reuses its branch. */
  private void acknowledgeFailure(SipMessage invite, SipMessage response) {
    SipMessage.Builder ack = SipMessage.request("ACK", requestUri)
        .header(SipHeaders.VIA, invite.header(SipHeaders.VIA))
        .header(SipHeaders.MAX_FORWARDS, "70")
        .header(SipHeaders.FROM, invite.header(SipHeaders.FROM))
        .header(SipHeaders.TO, response.header(SipHeaders.TO))
        .header(SipHeaders.CALL_ID, callId)
        .header(SipHeaders.CSEQ, "1 ACK");
    try {
      transport.send(ack.build(), recorder);
    } catch (IOException e) {
      // The recorder stops retransmitting after Timer H; nothing depends on this ACK.
    }
  }

  private SipMessage.Builder request(String method, long cseq, String to) throws IOException {
    InetSocketAddress local = transport.localAddress(recorder);
    return SipMessage.request(method, requestUri)
        .header(SipHeaders.VIA, "SIP/2.0/" + transport.viaTransport() + " " + hostPort(local) + ";branch=z9hG4bK"
            + token() + ";rport")
        .header(SipHeaders.MAX_FORWARDS, "70")
        .header(SipHeaders.FROM, "<sip:sbc@" + local.getHostString() + ">;tag=" + fromTag)
        .header(SipHeaders.TO, to)
        .header(SipHeaders.CALL_ID, callId)
        .header(SipHeaders.CSEQ, cseq + " " + method);
  }

  private static String token() {
    return UUID.randomUUID().toString().replace("-", "");
  }
}
