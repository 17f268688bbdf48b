package io.tandem.capture.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SipParserTest {
  static final String INVITE = "INVITE sip:recorder@127.0.0.1:5070 SIP/2.0\r\n"
      + "v: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKfirst;rport\r\n"
      + "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKsecond\r\n"
      + "Max-Forwards: 70\r\n"
      + "f: \"SBC\" <sip:sbc@127.0.0.1>;tag=from123\r\n"
      + "t: <sip:recorder@127.0.0.1:5070>\r\n"
      + "i: call-1@sbc\r\n"
      + "CSeq: 1 INVITE\r\n"
      + "Subject: a long\r\n"
      + "  folded subject\r\n"
      + "c: text/plain\r\n"
      + "l: 5\r\n"
      + "\r\n"
      + "hello";

  static SipMessage parse(String text) throws SipParseException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return SipParser.parse(bytes, 0, bytes.length);
  }

  @Test
  void requestExpandsCompactHeadersAndKeepsOrder() throws Exception {
    SipMessage message = parse(INVITE);

    assertThat(message.isRequest()).isTrue();
    assertThat(message.method()).isEqualTo("INVITE");
    assertThat(message.requestUri()).isEqualTo("sip:recorder@127.0.0.1:5070");
    assertThat(message.callId()).isEqualTo("call-1@sbc");
    assertThat(message.header("CALL-id")).isEqualTo("call-1@sbc");
    assertThat(message.header("i")).isEqualTo("call-1@sbc");
    assertThat(message.headers("Via")).containsExactly("SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKfirst;rport",
        "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKsecond");
    assertThat(message.topViaBranch()).isEqualTo("z9hG4bKfirst");
    assertThat(message.fromTag()).isEqualTo("from123");
    assertThat(message.toTag()).isNull();
    assertThat(message.cseq()).isEqualTo(new CSeq(1, "INVITE"));
    assertThat(message.header("Subject")).isEqualTo("a long folded subject");
    assertThat(message.header("Content-Type")).isEqualTo("text/plain");
    assertThat(new String(message.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(message.headers().get(0).name()).isEqualTo("Via");
  }

  @Test
  void responseToCopiesDialogHeadersAndToBytesRoundTrips() throws Exception {
    SipMessage invite = parse(INVITE);
    SipMessage ok = SipMessage.responseTo(invite, 200, "OK").build().withToTag("rec9");

    SipMessage reparsed = SipParser.parse(ok.toBytes());

    assertThat(reparsed.toBytes()).isEqualTo(ok.toBytes());
    assertThat(reparsed.status()).isEqualTo(200);
    assertThat(reparsed.reason()).isEqualTo("OK");
    assertThat(reparsed.headers("Via")).hasSize(2);
    assertThat(reparsed.toTag()).isEqualTo("rec9");
    assertThat(reparsed.fromTag()).isEqualTo("from123");
    assertThat(reparsed.cseq()).isEqualTo(new CSeq(1, "INVITE"));
    assertThat(reparsed.header("Content-Length")).isEqualTo("0");
    assertThat(ok.withToTag("other").toTag()).isEqualTo("rec9");
  }

  @Test
  void builderComputesContentLengthFromBody() throws Exception {
    SipMessage message = SipMessage.request("OPTIONS", "sip:r@127.0.0.1").header("Via", "SIP/2.0/UDP h;branch=z9hG4bK1")
        .header("From", "<sip:a@h>;tag=1").header("To", "<sip:r@h>").header("Call-ID", "c").header("CSeq", "7 OPTIONS")
        .header("Content-Length", "999").body("text/plain", "abc".getBytes(StandardCharsets.UTF_8)).build();

    String wire = new String(message.toBytes(), StandardCharsets.UTF_8);

    assertThat(wire).startsWith("OPTIONS sip:r@127.0.0.1 SIP/2.0\r\n").contains("Content-Length: 3\r\n\r\nabc")
        .doesNotContain("999");
    assertThat(SipParser.parse(message.toBytes()).cseq().number()).isEqualTo(7);
  }

  @Test
  void requestWithoutCallIdIsRefused() {
    assertThatThrownBy(() -> parse(INVITE.replace("i: call-1@sbc\r\n", "")))
        .isInstanceOf(SipParseException.class).hasMessageContaining("Call-ID");
  }

  @Test
  void badStartLineNamesTheExpectedForm() {
    assertThatThrownBy(() -> parse(INVITE.replace("SIP/2.0\r\nv:", "HTTP/1.1\r\nv:")))
        .isInstanceOf(SipParseException.class).hasMessageContaining("expected a request line 'METHOD URI SIP/2.0'");
  }

  @Test
  void malformedCSeqIsRefused() {
    assertThatThrownBy(() -> parse(INVITE.replace("CSeq: 1 INVITE", "CSeq: one INVITE")))
        .isInstanceOf(SipParseException.class).hasMessageContaining("CSeq");
    assertThatThrownBy(() -> parse(INVITE.replace("CSeq: 1 INVITE", "CSeq: 1 BYE")))
        .isInstanceOf(SipParseException.class).hasMessageContaining("CSeq method");
  }

  @Test
  void nonNumericContentLengthIsRefused() {
    assertThatThrownBy(() -> parse(INVITE.replace("l: 5", "l: five")))
        .isInstanceOf(SipParseException.class).hasMessageContaining("Content-Length");
  }

  @Test
  void bodyShorterThanContentLengthIsRefused() {
    assertThatThrownBy(() -> parse(INVITE.replace("l: 5", "l: 50")))
        .isInstanceOf(SipParseException.class).hasMessageContaining("Content-Length 50");
  }

  @Test
  void messageWithoutBlankLineIsRefused() {
    assertThatThrownBy(() -> parse("INVITE sip:a SIP/2.0\r\nVia: x\r\n"))
        .isInstanceOf(SipParseException.class).hasMessageContaining("empty line");
  }

  @Test
  void limitsOnSizeHeaderCountAndLineLengthAreEnforced() {
    String manyHeaders = INVITE.replace("Max-Forwards: 70\r\n", "X-Filler: 1\r\n".repeat(201));
    String longLine = INVITE.replace("Max-Forwards: 70", "X-Long: " + "a".repeat(9000));
    byte[] huge = new byte[SipParser.MAX_MESSAGE_BYTES + 1];

    assertThatThrownBy(() -> parse(manyHeaders)).hasMessageContaining("at most 200 headers");
    assertThatThrownBy(() -> parse(longLine)).hasMessageContaining("header lines of at most");
    assertThatThrownBy(() -> SipParser.parse(huge)).hasMessageContaining("at most 65536 bytes");
  }

  @Test
  void responseStatusLineIsRead() throws Exception {
    SipMessage ringing = parse("SIP/2.0 180 Ringing\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n");

    assertThat(ringing.isRequest()).isFalse();
    assertThat(ringing.status()).isEqualTo(180);
    assertThat(ringing.reason()).isEqualTo("Ringing");
    assertThat(ringing.body()).isEmpty();
  }
}
