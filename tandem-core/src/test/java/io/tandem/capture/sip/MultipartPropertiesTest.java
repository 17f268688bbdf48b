package io.tandem.capture.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Multipart bodies as SBCs write them: whatever the line ends, the padding after each delimiter, the case of the
 * part headers and whether the closing delimiter is there, every part comes back with its type and content, and
 * the quirks say exactly which liberties were taken.
 */
class MultipartPropertiesTest {
  @Property(tries = 500)
  void everyPartComesBackWhateverThePaddingLineEndsAndClosing(@ForAll("contents") List<String> contents,
      @ForAll("paddings") List<String> paddings, @ForAll boolean crlf, @ForAll boolean closed,
      @ForAll boolean upperCaseHeaders) throws Exception {
    String eol = crlf ? "\r\n" : "\n";
    StringBuilder body = new StringBuilder("preamble" + eol);
    for (int i = 0; i < contents.size(); i++) {
      body.append("--sbc-boundary").append(paddings.get(i % paddings.size())).append(eol)
          .append(upperCaseHeaders ? "CONTENT-TYPE: APPLICATION/X-PART-" : "Content-Type: application/x-part-")
          .append(i).append(eol).append(eol).append(contents.get(i)).append(eol);
    }
    if (closed) {
      body.append("--sbc-boundary--").append(eol).append("epilogue").append(eol);
    }

    Multipart.Body read = Multipart.read("multipart/mixed; boundary=sbc-boundary",
        body.toString().getBytes(StandardCharsets.UTF_8));

    assertThat(read.parts()).hasSize(contents.size());
    for (int i = 0; i < contents.size(); i++) {
      assertThat(read.parts().get(i).mediaType()).isEqualTo("application/x-part-" + i);
      String content = new String(read.parts().get(i).content(), StandardCharsets.UTF_8);
      // Without a closing delimiter the last part runs to the body's end, its last line end included.
      assertThat(content).isEqualTo(!closed && i == contents.size() - 1 ? contents.get(i) + eol : contents.get(i));
    }
    boolean padded = paddings.subList(0, Math.min(paddings.size(), contents.size())).stream()
        .anyMatch(p -> !p.isEmpty());
    assertThat(read.quirks().contains("mime-padded-boundary")).isEqualTo(padded);
    assertThat(read.quirks().contains("mime-no-closing-delimiter")).isEqualTo(!closed);
  }

  @Property(tries = 500)
  void randomBodiesGivePartsOrAParseException(@ForAll @Size(max = 2000) byte[] body) {
    try {
      assertThat(Multipart.read("multipart/mixed;boundary=b", body).parts()).isNotNull();
    } catch (SipParseException e) {
      assertThat(e.getMessage()).startsWith("expected");
    }
  }

  @Provide
  Arbitrary<List<String>> contents() {
    Arbitrary<String> line = Arbitraries.strings().withChars("abc xyz=<>/:;-0123456789").ofMinLength(1).ofMaxLength(30)
        .filter(text -> !text.startsWith("--") && !text.isBlank() && text.equals(text.strip()));
    Arbitrary<String> content = line.list().ofMinSize(1).ofMaxSize(4).map(lines -> String.join("\r\n", lines));
    return content.list().ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<List<String>> paddings() {
    Arbitrary<String> padding = Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.of(" ", "\t"))
        .as((count, c) -> c.repeat(count));
    return padding.list().ofMinSize(1).ofMaxSize(4);
  }
}
