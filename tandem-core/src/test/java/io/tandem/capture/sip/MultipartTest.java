package io.tandem.capture.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MultipartTest {
  private static final String SDP = "v=0\r\no=x 1 1 IN IP4 192.0.2.1\r\ns=-\r\n";
  private static final String XML = "<recording/>";

  @Test
  void quotedBoundaryBodyIsSplitIntoItsPartsWithHeaders() throws Exception {
    String body = "--my;boundary\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n\r\n"
        + "--my;boundary\r\nContent-Type: application/rs-metadata+xml\r\nContent-Disposition: recording-session\r\n"
        + "\r\n<recording/>\r\n--my;boundary\r\nContent-Type: application/x-vendor\r\n\r\nkept\r\n--my;boundary--\r\n";

    Multipart.Body read = Multipart.read("multipart/mixed; boundary=\"my;boundary\"", bytes(body));

    assertThat(read.parts()).extracting(BodyPart::mediaType)
        .containsExactly("application/sdp", "application/rs-metadata+xml", "application/x-vendor");
    assertThat(text(read.parts().get(0))).isEqualTo("v=0\r\n");
    assertThat(text(read.parts().get(1))).isEqualTo("<recording/>");
    assertThat(read.parts().get(1).headers()).containsEntry("content-disposition", "recording-session");
    assertThat(read.quirks()).isEmpty();
  }

  @Test
  void builtBodyParsesBackToTheSameParts() throws Exception {
    List<BodyPart> parts = List.of(new BodyPart("application/sdp", bytes("v=0\r\n")),
        new BodyPart("application/rs-metadata+xml", Map.of("Content-Disposition", "recording-session"), bytes("<x/>")));

    byte[] body = Multipart.build("b0und", parts);

    assertThat(Multipart.parse("multipart/mixed;boundary=b0und", body)).isEqualTo(parts);
  }

  @Test
  void delimiterLinesWithTrailingWhitespaceAreDelimitersAndNoted() throws Exception {
    String body = "--metaswitch-boundary  \r\nContent-Type: application/sdp\r\n\r\n" + SDP
        + "--metaswitch-boundary\t\r\nContent-Type: application/rs-metadata+xml\r\n\r\n" + XML + "\r\n"
        + "--metaswitch-boundary-- \r\n";

    Multipart.Body read = Multipart.read("multipart/mixed;boundary=metaswitch-boundary", bytes(body));

    assertThat(read.parts()).extracting(BodyPart::mediaType)
        .containsExactly("application/sdp", "application/rs-metadata+xml");
    // The line end before a delimiter belongs to the delimiter.
    assertThat(text(read.parts().get(0))).isEqualTo(SDP.stripTrailing());
    assertThat(text(read.parts().get(1))).isEqualTo(XML);
    assertThat(read.quirks()).containsExactly("mime-padded-boundary");
  }

  @Test
  void aQuotedBoundaryWithTrailingSpacesMatchesItsDelimitersWithOrWithoutThem() throws Exception {
    String plain = "--abc\r\nContent-Type: application/sdp\r\n\r\n" + SDP + "--abc--\r\n";
    String padded = "--abc  \r\nContent-Type: application/sdp\r\n\r\n" + SDP + "--abc  --\r\n";

    Multipart.Body fromPlain = Multipart.read("multipart/mixed;boundary=\"abc  \"", bytes(plain));
    Multipart.Body fromPadded = Multipart.read("multipart/mixed;boundary=\"abc  \"", bytes(padded));

    assertThat(fromPlain.parts()).singleElement().satisfies(p -> assertThat(text(p)).isEqualTo(SDP.stripTrailing()));
    assertThat(fromPlain.quirks()).containsExactly("mime-padded-boundary");
    assertThat(fromPadded.parts()).extracting(BodyPart::mediaType).containsExactly("application/sdp");
    assertThat(fromPadded.quirks()).containsExactly("mime-padded-boundary");
  }

  @Test
  void aLineThatOnlyStartsWithTheBoundaryIsContent() throws Exception {
    String body = "--b\r\nContent-Type: text/plain\r\n\r\nline one\r\n--bee is not a delimiter\r\n--b--\r\n";

    Multipart.Body read = Multipart.read("multipart/mixed;boundary=b", bytes(body));

    assertThat(text(read.parts().get(0))).isEqualTo("line one\r\n--bee is not a delimiter");
  }

  @Test
  void aMissingClosingDelimiterEndsTheLastPartAtTheBodysEnd() throws Exception {
    String body = "--b\r\nContent-Type: application/rs-metadata+xml\r\n\r\n" + XML + "\r\n"
        + "--b\r\nContent-Type: application/sdp\r\n\r\n" + SDP;

    Multipart.Body read = Multipart.read("multipart/mixed;boundary=b", bytes(body));

    assertThat(read.parts()).extracting(BodyPart::mediaType)
        .containsExactly("application/rs-metadata+xml", "application/sdp");
    assertThat(text(read.parts().get(1))).isEqualTo(SDP);
    assertThat(read.quirks()).containsExactly("mime-no-closing-delimiter");
  }

  @Test
  void headerNamesAndMediaTypesInAnyCaseAndLineFeedsAloneAreRead() throws Exception {
    String body = "preamble\n--B\ncontent-TYPE: Application/SDP\nCONTENT-DISPOSITION: session;\n handling=required\n\n"
        + "v=0\n--B--\nepilogue";

    Multipart.Body read = Multipart.read("Multipart/Mixed; Boundary=B", bytes(body));

    assertThat(read.parts()).singleElement().satisfies(part -> {
      assertThat(part.mediaType()).isEqualTo("application/sdp");
      assertThat(part.headers()).containsEntry("Content-Disposition", "session; handling=required");
      assertThat(text(part)).isEqualTo("v=0");
    });
    assertThat(read.quirks()).isEmpty();
  }

  @Test
  void delimitersOtherThanTheContentTypesBoundaryAreFoundFromTheFirstDelimiterLine() throws Exception {
    String body = "--actual-boundary\r\nContent-Type: application/sdp\r\n\r\n" + SDP + "--actual-boundary--\r\n";

    Multipart.Body wrong = Multipart.read("multipart/mixed;boundary=declared", bytes(body));
    Multipart.Body none = Multipart.read("multipart/mixed", bytes(body));

    assertThat(wrong.parts()).extracting(BodyPart::mediaType).containsExactly("application/sdp");
    assertThat(wrong.quirks()).containsExactly("mime-boundary-mismatch");
    assertThat(none.parts()).extracting(BodyPart::mediaType).containsExactly("application/sdp");
  }

  @Test
  void aPartWhoseHeadersAreNotClosedByAnEmptyLineIsReadAsFarAsItsHeadersGo() throws Exception {
    String body = "--b\r\nContent-Type: application/sdp\r\nv=0\r\no=x 1 1 IN IP4 192.0.2.1\r\n--b--\r\n";

    Multipart.Body read = Multipart.read("multipart/mixed;boundary=b", bytes(body));

    assertThat(read.parts()).singleElement().satisfies(part -> {
      assertThat(part.mediaType()).isEqualTo("application/sdp");
      assertThat(text(part)).isEqualTo("v=0\r\no=x 1 1 IN IP4 192.0.2.1");
    });
    assertThat(read.quirks()).containsExactly("mime-malformed-part");
  }

  @Test
  void aBodyWithNoDelimiterAtAllOrNotMultipartIsRefusedSayingWhatWasExpected() {
    byte[] body = bytes("Content-Type: text/plain\r\n\r\nx\r\n");

    assertThatThrownBy(() -> Multipart.read("multipart/mixed;boundary=abc", body))
        .isInstanceOf(SipParseException.class).hasMessageContaining("expected a boundary parameter")
        .hasMessageContaining("'--abc'");
    assertThatThrownBy(() -> Multipart.read("application/sdp", body)).hasMessageContaining("multipart");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(BodyPart part) {
    return new String(part.content(), StandardCharsets.UTF_8);
  }
}
