package io.tandem.capture.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * The per-packet crypto of one SRTP crypto context (RFC 3711 4.1.1 and 4.2), with the JDK's AES and HMAC-SHA1:
 * the AES counter-mode keystream of a packet XORed over its payload, and the authentication tag over its
 * header, payload and rollover counter. Scratch buffers are kept, so a packet costs no allocation but the
 * HMAC's own. Not thread-safe: one per stream, on its capture thread.
 */
final class SrtpTransform {
  /** Datagrams are at most this long where SRTP is received (the capture's receive buffer). */
  static final int MAX_PACKET = 2048;

  private final Cipher aes;
  private final Mac hmac;
  private final byte[] salt;
  private final byte[] counters = new byte[MAX_PACKET + 16];
  private final byte[] keystream = new byte[MAX_PACKET + 16];
  private final byte[] roc = new byte[4];

  SrtpTransform(SdesCrypto crypto) {
    this(SrtpSessionKeys.derive(crypto.masterKey(), crypto.masterSalt()));
  }

  SrtpTransform(SrtpSessionKeys keys) {
    try {
      aes = Cipher.getInstance("AES/ECB/NoPadding");
      aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys.cipherKey(), "AES"));
      hmac = Mac.getInstance("HmacSHA1");
      hmac.init(new SecretKeySpec(keys.authKey(), "HmacSHA1"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK offers no AES or HmacSHA1", e);
    }
    salt = keys.salt();
  }

  /**
   * XORs the keystream of packet {@code index} of {@code ssrc} over {@code buffer[offset, offset + length)}:
   * encrypts or decrypts alike.
   */
  void crypt(byte[] buffer, int offset, int length, long ssrc, long index) {
    int blocks = (length + 15) >>> 4;
    for (int block = 0; block < blocks; block++) {
      int at = block << 4;
      // IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16), then the block counter in the last 16 bits.
      System.arraycopy(salt, 0, counters, at, SrtpSessionKeys.SALT_BYTES);
      counters[at + 4] ^= (byte) (ssrc >>> 24);
      counters[at + 5] ^= (byte) (ssrc >>> 16);
      counters[at + 6] ^= (byte) (ssrc >>> 8);
      counters[at + 7] ^= (byte) ssrc;
      counters[at + 8] ^= (byte) (index >>> 40);
      counters[at + 9] ^= (byte) (index >>> 32);
      counters[at + 10] ^= (byte) (index >>> 24);
      counters[at + 11] ^= (byte) (index >>> 16);
      counters[at + 12] ^= (byte) (index >>> 8);
      counters[at + 13] ^= (byte) index;
      counters[at + 14] = (byte) (block >>> 8);
      counters[at + 15] = (byte) block;
    }
    try {
      aes.doFinal(counters, 0, blocks << 4, keystream, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES refused a whole number of blocks", e);
    }
    for (int i = 0; i < length; i++) {
      buffer[offset + i] ^= keystream[i];
    }
  }

  /** Writes the first {@code tagLength} bytes of HMAC-SHA1(header and payload || ROC) to {@code out[at...]}. */
  void tag(byte[] packet, int authenticatedLength, long rolloverCounter, byte[] out, int at, int tagLength) {
    mac(packet, authenticatedLength, rolloverCounter);
    System.arraycopy(keystream, 0, out, at, tagLength);
  }

  /** Whether {@code packet[at, at + tagLength)} is the tag, compared in time that does not depend on where it differs. */
  boolean tagMatches(byte[] packet, int authenticatedLength, long rolloverCounter, int at, int tagLength) {
    mac(packet, authenticatedLength, rolloverCounter);
    int difference = 0;
    for (int i = 0; i < tagLength; i++) {
      difference |= keystream[i] ^ packet[at + i];
    }
    return difference == 0;
  }

  /** HMAC-SHA1 of the packet's first {@code length} bytes and the rollover counter, into the scratch buffer. */
  private void mac(byte[] packet, int length, long rolloverCounter) {
    roc[0] = (byte) (rolloverCounter >>> 24);
    roc[1] = (byte) (rolloverCounter >>> 16);
    roc[2] = (byte) (rolloverCounter >>> 8);
    roc[3] = (byte) rolloverCounter;
    hmac.update(packet, 0, length);
    hmac.update(roc);
    try {
      hmac.doFinal(keystream, 0);
    } catch (ShortBufferException e) {
      throw new IllegalStateException("the scratch buffer holds an HMAC-SHA1", e);
    }
  }
}
