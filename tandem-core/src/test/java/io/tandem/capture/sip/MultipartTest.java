package io.tandem.capture.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultipartTest {
  @Test
  void quotedBoundaryBodyIsSplitIntoItsPartsWithHeaders() throws Exception {
    String body = "--my;boundary\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n\r\n"
        + "--my;boundary\r\nContent-Type: application/rs-metadata+xml\r\nContent-Disposition: recording-session\r\n"
        + "\r\n<recording/>\r\n--my;boundary\r\nContent-Type: application/x-vendor\r\n\r\nkept\r\n--my;boundary--\r\n";

    List<BodyPart> parts = Multipart.parse("multipart/mixed; boundary=\"my;boundary\"",
        body.getBytes(StandardCharsets.UTF_8));

    assertThat(parts).extracting(BodyPart::mediaType)
        .containsExactly("application/sdp", "application/rs-metadata+xml", "application/x-vendor");
    assertThat(new String(parts.get(0).content(), StandardCharsets.UTF_8)).isEqualTo("v=0\r\n");
    assertThat(new String(parts.get(1).content(), StandardCharsets.UTF_8)).isEqualTo("<recording/>");
    assertThat(parts.get(1).headers()).containsEntry("content-disposition", "recording-session");
  }

  @Test
  void builtBodyParsesBackToTheSameParts() throws Exception {
    List<BodyPart> parts = List.of(new BodyPart("application/sdp", "v=0\r\n".getBytes(StandardCharsets.UTF_8)),
        new BodyPart("application/rs-metadata+xml", Map.of("Content-Disposition", "recording-session"),
            "<x/>".getBytes(StandardCharsets.UTF_8)));

    byte[] body = Multipart.build("b0und", parts);

    assertThat(Multipart.parse("multipart/mixed;boundary=b0und", body)).isEqualTo(parts);
  }

  @Test
  void missingBoundaryOrCloseDelimiterIsRefused() {
    byte[] body = "--abc\r\nContent-Type: text/plain\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> Multipart.parse("multipart/mixed", body)).isInstanceOf(SipParseException.class)
        .hasMessageContaining("boundary parameter");
    assertThatThrownBy(() -> Multipart.parse("multipart/mixed;boundary=abc", body))
        .hasMessageContaining("closing boundary");
    assertThatThrownBy(() -> Multipart.parse("multipart/mixed;boundary=zzz", body))
        .hasMessageContaining("expected the boundary 'zzz'");
    assertThatThrownBy(() -> Multipart.parse("application/sdp", body)).hasMessageContaining("multipart");
  }
}
