package io.tandem.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  @Test
  void theMacIsHmacSha256AsRfc4231TestCase2GivesIt() {
    byte[] mac = WebhookSignature.hmac(bytes("Jefe"), bytes("what do ya want "), bytes("for nothing?"));

    assertThat(HexFormat.of().formatHex(mac))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  void theSignatureCoversTheTimestampADotAndTheBody() {
    String signed = WebhookSignature.sign("Jefe", 1_764_576_000L, bytes("{\"id\":1}"));

    assertThat(signed).isEqualTo("sha256=" + HexFormat.of().formatHex(
        WebhookSignature.hmac(bytes("Jefe"), bytes("1764576000.{\"id\":1}"))));
    assertThat(WebhookSignature.sign("Jefe", 1_764_576_001L, bytes("{\"id\":1}"))).isNotEqualTo(signed);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
