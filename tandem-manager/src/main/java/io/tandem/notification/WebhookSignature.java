package io.tandem.notification;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a webhook request: HMAC-SHA256 under the target's secret over the timestamp header's value,
 * a dot, and the body's bytes, written {@code sha256=<lower-case hex>}. Covering the timestamp lets a receiver
 * refuse a request replayed later. Stateless.
 */
public final class WebhookSignature {
  public static final String SIGNATURE_HEADER = "X-Tandem-Signature";
  /** Seconds since the epoch when the request was sent; each attempt is signed anew. */
  public static final String TIMESTAMP_HEADER = "X-Tandem-Timestamp";
  private static final String ALGORITHM = "HmacSHA256";

  private WebhookSignature() {}

  public static String sign(String secret, long timestamp, byte[] body) {
    byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.US_ASCII);
    return "sha256=" + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), prefix, body));
  }

  static byte[] hmac(byte[] key, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key, ALGORITHM));
      for (byte[] part : parts) {
        mac.update(part);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
    }
  }
}
