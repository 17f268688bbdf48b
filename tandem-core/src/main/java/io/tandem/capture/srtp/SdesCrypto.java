package io.tandem.capture.srtp;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * One {@code a=crypto} attribute of SDES (RFC 4568) as a recorder uses it: its tag, its suite, one inline
 * master key and salt, the MKI its packets carry (length 0 for none), and whether the sender leaves its
 * payloads unencrypted ({@code UNENCRYPTED_SRTP}). {@link #parse} takes the attribute's value as SDP writes
 * it after {@code a=crypto:}; it refuses, with the reason, what a recorder cannot receive: another suite,
 * several keys, a key derivation rate other than 0, unauthenticated SRTP, an unknown session parameter.
 * Immutable; the key bytes never leave it but through {@link #masterKey()} and {@link #masterSalt()} copies.
 */
public final class SdesCrypto {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int KEY_AND_SALT = SrtpSuite.MASTER_KEY_BYTES + SrtpSuite.MASTER_SALT_BYTES;

  private final int tag;
  private final SrtpSuite suite;
  private final byte[] keyAndSalt;
  private final long mki;
  private final int mkiLength;
  private final boolean unencrypted;

  public SdesCrypto(int tag, SrtpSuite suite, byte[] keyAndSalt, long mki, int mkiLength, boolean unencrypted) {
    if (tag < 0 || tag > 999_999_999) {
      throw new IllegalArgumentException("the crypto tag must be 0 to 999999999, got " + tag);
    }
    this.suite = Objects.requireNonNull(suite, "suite");
    if (keyAndSalt == null || keyAndSalt.length != KEY_AND_SALT) {
      throw new IllegalArgumentException("expected a " + KEY_AND_SALT + "-byte master key and salt, got "
          + (keyAndSalt == null ? "none" : keyAndSalt.length + " bytes"));
    }
    if (mkiLength < 0 || mkiLength > 4 || (mkiLength < 4 && mki >>> (8 * mkiLength) != 0) || mki < 0) {
      throw new IllegalArgumentException("expected an MKI of 0 to 4 bytes that holds its value, got " + mki + ":"
          + mkiLength);
    }
    this.tag = tag;
    this.keyAndSalt = keyAndSalt.clone();
    this.mki = mki;
    this.mkiLength = mkiLength;
    this.unencrypted = unencrypted;
  }

  /** A fresh key of {@code suite} under {@code tag}, from a strong random source: what a recorder answers with. */
  public static SdesCrypto random(int tag, SrtpSuite suite) {
    byte[] bytes = new byte[KEY_AND_SALT];
    RANDOM.nextBytes(bytes);
    return new SdesCrypto(tag, suite, bytes, 0, 0, false);
  }

  /**
   * Reads the value of an {@code a=crypto} attribute: {@code <tag> <suite> inline:<key||salt>[|lifetime][|mki:length]
   * [session parameters]}.
   *
   * @throws IllegalArgumentException saying what was expected, for anything a recorder cannot receive
   */
  public static SdesCrypto parse(String value) {
    String[] fields = value.strip().split("\\s+");
    if (fields.length < 3 || !fields[0].matches("[0-9]{1,9}")) {
      throw new IllegalArgumentException("expected '<tag> <suite> inline:<key>', got '" + value + "'");
    }
    SrtpSuite suite = SrtpSuite.named(fields[1]).orElseThrow(() -> new IllegalArgumentException(
        "expected the suite AES_CM_128_HMAC_SHA1_80 or AES_CM_128_HMAC_SHA1_32, got " + fields[1]));
    if (fields[2].indexOf(';') >= 0) {
      throw new IllegalArgumentException("expected one inline key, got several");
    }
    if (!fields[2].regionMatches(true, 0, "inline:", 0, 7)) {
      throw new IllegalArgumentException("expected an inline key ('inline:...'), got " + fields[2]);
    }
    String[] key = fields[2].substring(7).split("\\|");
    byte[] keyAndSalt;
    try {
      keyAndSalt = Base64.getDecoder().decode(key[0]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected the inline key in base64, got " + key[0]);
    }
    long mki = 0;
    int mkiLength = 0;
    for (int i = 1; i < key.length; i++) {
      if (key[i].contains(":")) {
        String[] parts = key[i].split(":", 2);
        if (!parts[0].matches("[0-9]{1,10}") || !parts[1].matches("[0-9]{1,3}")) {
          throw new IllegalArgumentException("expected an MKI as '<value>:<length>', got " + key[i]);
        }
        mki = Long.parseLong(parts[0]);
        mkiLength = Integer.parseInt(parts[1]);
      } else if (!key[i].matches("(2\\^[0-9]{1,2})|[0-9]{1,20}")) {
        throw new IllegalArgumentException("expected a key lifetime such as 2^31, got " + key[i]);
      }
    }
    boolean unencrypted = false;
    for (int i = 3; i < fields.length; i++) {
      String parameter = fields[i];
      if (parameter.equals("UNENCRYPTED_SRTP")) {
        unencrypted = true;
      } else if (!harmless(parameter)) {
        throw new IllegalArgumentException("expected no session parameter the recorder cannot honour, got "
            + parameter);
      }
    }
    return new SdesCrypto(Integer.parseInt(fields[0]), suite, keyAndSalt, mki, mkiLength, unencrypted);
  }

  /** Session parameters that change nothing for a receiver of SRTP (RTCP is not received). */
  private static boolean harmless(String parameter) {
    return parameter.equals("KDR=0") || parameter.equals("UNENCRYPTED_SRTCP") || parameter.startsWith("WSH=")
        || parameter.startsWith("FEC_ORDER=");
  }

  public int tag() {
    return tag;
  }

  public SrtpSuite suite() {
    return suite;
  }

  public byte[] masterKey() {
    return Arrays.copyOfRange(keyAndSalt, 0, SrtpSuite.MASTER_KEY_BYTES);
  }

  public byte[] masterSalt() {
    return Arrays.copyOfRange(keyAndSalt, SrtpSuite.MASTER_KEY_BYTES, KEY_AND_SALT);
  }

  /** The MKI value its packets carry; see {@link #mkiLength()}. */
  public long mki() {
    return mki;
  }

  /** The bytes of MKI before each packet's tag; 0 when there is none. */
  public int mkiLength() {
    return mkiLength;
  }

  /** Whether payloads are sent unencrypted (still authenticated). */
  public boolean unencrypted() {
    return unencrypted;
  }

  /** The attribute as an SDP answer writes it, without {@code a=}: {@code crypto:1 AES_CM_128_HMAC_SHA1_80 inline:...}. */
  public String toAttribute() {
    StringBuilder text = new StringBuilder("crypto:").append(tag).append(' ').append(suite.name()).append(" inline:")
        .append(Base64.getEncoder().encodeToString(keyAndSalt));
    if (mkiLength > 0) {
      text.append('|').append(mki).append(':').append(mkiLength);
    }
    if (unencrypted) {
      text.append(" UNENCRYPTED_SRTP");
    }
    return text.toString();
  }

  /** Equal when every field and key byte is equal; compared in constant time where the key is compared. */
  @Override
  public boolean equals(Object other) {
    return other instanceof SdesCrypto that && tag == that.tag && suite == that.suite && mki == that.mki
        && mkiLength == that.mkiLength && unencrypted == that.unencrypted
        && java.security.MessageDigest.isEqual(keyAndSalt, that.keyAndSalt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tag, suite, mki, mkiLength, unencrypted);
  }

  /** Never the key: logs may print it. */
  @Override
  public String toString() {
    return "crypto " + tag + " " + suite + (mkiLength > 0 ? " MKI " + mki + ":" + mkiLength : "")
        + (unencrypted ? " UNENCRYPTED_SRTP" : "");
  }
}
