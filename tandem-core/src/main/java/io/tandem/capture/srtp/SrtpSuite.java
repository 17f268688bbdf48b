package io.tandem.capture.srtp;

import java.util.Locale;
import java.util.Optional;

/**
 * The SRTP crypto suites of SDES (RFC 4568 6.2) a recorder takes: AES in counter mode with a 128-bit master
 * key and a 112-bit master salt, packets authenticated by HMAC-SHA1 truncated to 80 or 32 bits.
 */
public enum SrtpSuite {
  AES_CM_128_HMAC_SHA1_80(10),
  AES_CM_128_HMAC_SHA1_32(4);

  public static final int MASTER_KEY_BYTES = 16;
  public static final int MASTER_SALT_BYTES = 14;

  private final int tagBytes;

  SrtpSuite(int tagBytes) {
    this.tagBytes = tagBytes;
  }

  /** The length of the authentication tag each packet ends with. */
  public int tagBytes() {
    return tagBytes;
  }

  /** The suite an {@code a=crypto} line names (names are case-sensitive in RFC 4568, read here in any case). */
  public static Optional<SrtpSuite> named(String name) {
    for (SrtpSuite suite : values()) {
      if (suite.name().equals(name.toUpperCase(Locale.ROOT))) {
        return Optional.of(suite);
      }
    }
    return Optional.empty();
  }
}
