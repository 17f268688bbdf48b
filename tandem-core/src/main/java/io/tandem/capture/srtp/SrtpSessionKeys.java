package io.tandem.capture.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SRTP session keys of one master key and salt (RFC 3711 4.3), with a key derivation rate of 0: the
 * cipher key (label 0), the authentication key (label 1) and the session salt (label 2), each the AES
 * counter-mode keystream of the master key over the master salt XORed with its label. Immutable.
 */
record SrtpSessionKeys(byte[] cipherKey, byte[] authKey, byte[] salt) {
  static final int CIPHER_KEY_BYTES = 16;
  static final int AUTH_KEY_BYTES = 20;
  static final int SALT_BYTES = 14;

  static SrtpSessionKeys derive(byte[] masterKey, byte[] masterSalt) {
    try {
      Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
      aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"));
      return new SrtpSessionKeys(derive(aes, masterSalt, 0, CIPHER_KEY_BYTES),
          derive(aes, masterSalt, 1, AUTH_KEY_BYTES), derive(aes, masterSalt, 2, SALT_BYTES));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK offers no AES", e);
    }
  }

  /** {@code length} bytes of the PRF for {@code label}: AES-CM keyed by the master key, IV (salt ^ label) * 2^16. */
  private static byte[] derive(Cipher aes, byte[] masterSalt, int label, int length) throws GeneralSecurityException {
    int blocks = (length + 15) / 16;
    byte[] counters = new byte[blocks * 16];
    for (int block = 0; block < blocks; block++) {
      int at = block * 16;
      System.arraycopy(masterSalt, 0, counters, at, SALT_BYTES);
      // The 56-bit key id (label, then an index of 0 when the derivation rate is 0) aligns with the salt's last bytes.
      counters[at + 7] ^= (byte) label;
      counters[at + 14] = (byte) (block >> 8);
      counters[at + 15] = (byte) block;
    }
    byte[] stream = aes.doFinal(counters);
    return java.util.Arrays.copyOf(stream, length);
  }
}
