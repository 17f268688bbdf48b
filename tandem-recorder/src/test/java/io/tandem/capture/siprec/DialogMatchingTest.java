package io.tandem.capture.siprec;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.call.CallRecord;
import io.tandem.call.Participant;
import io.tandem.capture.sip.SipLimits;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests inside a recording's dialog are its own only with its tags and from its source: a spoofed BYE, re-INVITE,
 * UPDATE or CANCEL that repeats the Call-ID changes nothing and gets 481.
 */
class DialogMatchingTest {
  /** On the allow-list (all of 127.0.0.0/8), but not where the dialog's INVITE came from. */
  private static final String OTHER_SOURCE = "127.0.0.2";

  @TempDir Path dataDir;
  private SessionsOnLoopback recorder;

  @BeforeEach
  void start() throws Exception {
    recorder = new SessionsOnLoopback(dataDir, SipLimits.DEFAULTS, null);
  }

  @AfterEach
  void stop() {
    recorder.close();
  }

  @Test
  void aSpoofedByeChangesNothingAndGets481WhileTheRealOneEndsTheCall() throws Exception {
    String toTag = SessionsOnLoopback.toTag(recorder.exchange(SiprecInvites.invite(recorder.sip.port(), "bye-1",
        "session-bye")));

    assertThat(recorder.exchange(bye("bye-1", "f1", "t-guessed"))).as("a guessed To tag").startsWith("SIP/2.0 481");
    assertThat(recorder.exchange(bye("bye-1", "other", toTag))).as("another From tag").startsWith("SIP/2.0 481");
    assertThat(recorder.exchange(bye("bye-1", "f1", toTag), OTHER_SOURCE)).as("another source")
        .startsWith("SIP/2.0 481");
    assertThat(recorder.sessions.active()).isEqualTo(1);
    assertThat(recorder.ended).isEmpty();
    assertThat(recorder.sessions.strangerCount()).isEqualTo(3);

    assertThat(recorder.exchange(bye("bye-1", "f1", toTag))).startsWith("SIP/2.0 200");
    assertThat(recorder.ended).hasSize(1);
  }

  @Test
  void aSpoofedReinviteOrUpdateChangesNothingAndGets481() throws Exception {
    String toTag = SessionsOnLoopback.toTag(recorder.exchange(SiprecInvites.invite(recorder.sip.port(), "re-1",
        "session-re")));
    byte[] intruder = new RecordingMetadata("session-re", List.of(new Participant("p9", "sip:mallory@example.com",
        "Mallory")), Map.of("1", "p9")).toXml();

    String wrongTag = SiprecInvites.reinvite(recorder.sip.port(), "re-1", "t-guessed", intruder);
    String otherSource = SiprecInvites.reinvite(recorder.sip.port(), "re-1", toTag, intruder);
    String update = SiprecInvites.inDialog("UPDATE", recorder.sip.port(), "re-1", toTag, 7, null, intruder);
    assertThat(recorder.exchange(wrongTag)).startsWith("SIP/2.0 481");
    assertThat(recorder.exchange(otherSource, OTHER_SOURCE)).startsWith("SIP/2.0 481");
    assertThat(recorder.exchange(update, OTHER_SOURCE)).startsWith("SIP/2.0 481");

    CallRecord call = recorder.buffer.findByCorrelationKey("session-re").orElseThrow();
    assertThat(call.participants()).extracting(Participant::aor).containsExactly("sip:alice@example.com");
    assertThat(call.streams()).singleElement().satisfies(s -> assertThat(s.participantId()).isEqualTo("p1"));
    assertThat(recorder.buffer.metadata(call.inum())).hasSize(1);
    assertThat(recorder.sessions.changedCount()).isZero();
    // The dialog's own re-INVITE is taken.
    assertThat(recorder.exchange(SiprecInvites.inDialog("INVITE", recorder.sip.port(), "re-1", toTag, 9,
        SiprecInvites.sdp(1, "sendonly"), intruder))).startsWith("SIP/2.0 200");
    assertThat(recorder.sessions.changedCount()).isEqualTo(1);
  }

  @Test
  void aCancelOrACopyOfTheInviteFromAnotherSourceGets481AndNoAnswer() throws Exception {
    String invite = SiprecInvites.invite(recorder.sip.port(), "copy-1", "session-copy");
    String answer = recorder.exchange(invite);
    String cancel = invite.replace("INVITE sip:", "CANCEL sip:").replace(" INVITE\r\n", " CANCEL\r\n");
    cancel = cancel.substring(0, cancel.indexOf("Content-Type")) + "Content-Length: 0\r\n\r\n";

    assertThat(recorder.exchange(cancel, OTHER_SOURCE)).startsWith("SIP/2.0 481");
    String copy = recorder.exchange(invite.replace("branch=z9hG4bK-copy-1", "branch=z9hG4bK-copy-1b"), OTHER_SOURCE);
    assertThat(copy).startsWith("SIP/2.0 481").doesNotContain("application/sdp");
    assertThat(recorder.exchange(invite.replace("branch=z9hG4bK-copy-1", "branch=z9hG4bK-copy-1c")))
        .as("the SBC's own copy").startsWith("SIP/2.0 200").contains(SessionsOnLoopback.toTag(answer));
    assertThat(recorder.sessions.active()).isEqualTo(1);
  }

  @Test
  void toTagsAreRandomNeverTheInum() throws Exception {
    String first = SessionsOnLoopback.toTag(recorder.exchange(SiprecInvites.invite(recorder.sip.port(), "tag-1",
        "session-tag-1")));
    String second = SessionsOnLoopback.toTag(recorder.exchange(SiprecInvites.invite(recorder.sip.port(), "tag-2",
        "session-tag-2")));
    CallRecord call = recorder.buffer.findByCorrelationKey("session-tag-1").orElseThrow();

    assertThat(first).matches("[0-9a-f]{32}").isNotEqualTo(second).doesNotContain(call.inum().value() + "");
    assertThat(second).matches("[0-9a-f]{32}");
  }

  private String bye(String callId, String fromTag, String toTag) {
    return ("BYE sip:srs@127.0.0.1:" + recorder.sip.port() + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK-bye-" + callId + "-" + fromTag + "-" + toTag + "\r\n"
        + "From: <sip:src@127.0.0.1>;tag=" + fromTag + "\r\n"
        + "To: <sip:srs@127.0.0.1>;tag=" + toTag + "\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: 2 BYE\r\n"
        + "Max-Forwards: 70\r\n"
        + "Content-Length: 0\r\n\r\n");
  }
}
