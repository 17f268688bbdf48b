package io.tandem.capture.siprec;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.capture.sip.SipLimit;
import io.tandem.capture.sip.SipLimits;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The limits of calls in progress and of streams in a call refuse, saying which limit, and count it. */
class SessionLimitsTest {
  @TempDir Path dataDir;
  private SessionsOnLoopback recorder;

  @AfterEach
  void stop() {
    recorder.close();
  }

  @Test
  void anInvitePastTheCallsInProgressIsRefused503NamingTheLimitUntilACallEnds() throws Exception {
    recorder = new SessionsOnLoopback(dataDir, new SipLimits(2, 8, 10, Duration.ofMinutes(1)), null);
    String first = recorder.exchange(SiprecInvites.invite(recorder.sip.port(), "cap-1", "session-cap-1"));
    assertThat(recorder.exchange(SiprecInvites.invite(recorder.sip.port(), "cap-2", "session-cap-2")))
        .startsWith("SIP/2.0 200");

    String refused = recorder.exchange(SiprecInvites.invite(recorder.sip.port(), "cap-3", "session-cap-3"));
    assertThat(refused).startsWith("SIP/2.0 503 Service Unavailable - 2 calls in progress, the limit of this recorder "
        + "(sip.maxCalls)").contains("Retry-After: 30");
    assertThat(recorder.refusals.limitCount(SipLimit.CALLS_IN_PROGRESS)).isEqualTo(1);
    assertThat(recorder.buffer.findByCorrelationKey("session-cap-3")).isEmpty();

    String bye = SiprecInvites.invite(recorder.sip.port(), "cap-1", "s").replace("INVITE sip:", "BYE sip:")
        .replace(" INVITE\r\n", " BYE\r\n").replace("To: <sip:srs@127.0.0.1>",
            "To: <sip:srs@127.0.0.1>;tag=" + SessionsOnLoopback.toTag(first)).replace("branch=z9hG4bK-",
            "branch=z9hG4bK-bye-");
    assertThat(recorder.exchange(bye.substring(0, bye.indexOf("Content-Type")) + "Content-Length: 0\r\n\r\n"))
        .startsWith("SIP/2.0 200");
    assertThat(recorder.exchange(SiprecInvites.invite(recorder.sip.port(), "cap-4", "session-cap-4")))
        .as("room again after a call ended").startsWith("SIP/2.0 200");
  }

  @Test
  void anOfferOfMoreStreamsThanACallTakesIsRefused488NamingTheLimit() throws Exception {
    recorder = new SessionsOnLoopback(dataDir, new SipLimits(10, 2, 10, Duration.ofMinutes(1)), null);
    String refused = recorder.exchange(SiprecInvites.invite(recorder.sip.port(), "streams-1", "session-streams", 3));

    assertThat(refused).startsWith("SIP/2.0 488 Not Acceptable Here - 3 audio streams, more than the 2 a call takes "
        + "(sip.maxStreamsPerCall)");
    assertThat(recorder.refusals.limitCount(SipLimit.STREAMS_PER_CALL)).isEqualTo(1);
    assertThat(recorder.buffer.findByCorrelationKey("session-streams")).isEmpty();
    assertThat(recorder.exchange(SiprecInvites.invite(recorder.sip.port(), "streams-2", "session-streams-2", 2)))
        .startsWith("SIP/2.0 200");
  }
}
