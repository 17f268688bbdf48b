package io.tandem.capture.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SipStreamFramerTest {
  @Test
  void messagesSplitAcrossFeedsComeOutWholeAfterKeepAlives() throws Exception {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    stream.writeBytes("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    stream.writeBytes(SipParserTest.INVITE.getBytes(StandardCharsets.UTF_8));
    stream.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    stream.writeBytes(SipParserTest.INVITE.replace("call-1@sbc", "call-2@sbc").getBytes(StandardCharsets.UTF_8));
    byte[] bytes = stream.toByteArray();
    SipStreamFramer framer = new SipStreamFramer();

    java.util.List<String> callIds = new java.util.ArrayList<>();
    for (int i = 0; i < bytes.length; i += 7) {
      framer.feed(bytes, i, Math.min(7, bytes.length - i));
      for (SipMessage message = framer.next(); message != null; message = framer.next()) {
        callIds.add(message.callId());
        assertThat(new String(message.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
      }
    }

    assertThat(callIds).containsExactly("call-1@sbc", "call-2@sbc");
    assertThat(framer.buffered()).isZero();
  }

  @Test
  void nothingIsReturnedUntilTheBodyHasArrived() throws Exception {
    byte[] bytes = SipParserTest.INVITE.getBytes(StandardCharsets.UTF_8);
    SipStreamFramer framer = new SipStreamFramer();

    framer.feed(bytes, 0, bytes.length - 1);
    assertThat(framer.next()).isNull();
    framer.feed(bytes, bytes.length - 1, 1);
    assertThat(framer.next()).isNotNull();
  }

  @Test
  void oversizedMessagesAreRefused() {
    SipStreamFramer endless = new SipStreamFramer();
    byte[] junk = "X-Junk: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(2000).getBytes(StandardCharsets.US_ASCII);
    endless.feed(junk, 0, junk.length);
    SipStreamFramer declared = new SipStreamFramer();
    byte[] big = SipParserTest.INVITE.replace("l: 5", "l: 65536").getBytes(StandardCharsets.UTF_8);
    declared.feed(big, 0, big.length);

    assertThatThrownBy(endless::next).isInstanceOf(SipParseException.class).hasMessageContaining("at most 65536");
    assertThatThrownBy(declared::next).isInstanceOf(SipParseException.class).hasMessageContaining("at most 65536");
  }

  @Test
  void streamMessageWithoutContentLengthIsRefused() {
    SipStreamFramer framer = new SipStreamFramer();
    byte[] bytes = SipParserTest.INVITE.replace("l: 5\r\n", "").getBytes(StandardCharsets.UTF_8);
    framer.feed(bytes, 0, bytes.length);

    assertThatThrownBy(framer::next).hasMessageContaining("Content-Length header on a stream transport");
  }
}
