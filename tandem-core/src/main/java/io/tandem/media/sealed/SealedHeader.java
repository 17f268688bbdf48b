package io.tandem.media.sealed;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The header a sealed media file starts with, in its first page: the magic {@code TNDMSEAL}, a version, the
 * slot size, the id of the master key and the file's own AES-256 key wrapped by that master key with AES-GCM,
 * the header's bytes before the wrap as its associated data. Stateless.
 */
final class SealedHeader {
  static final byte[] MAGIC = "TNDMSEAL".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  /** The header never takes more than this, and always fits the first page. */
  static final int MAX_BYTES = 512;
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;
  private static final int WRAPPED = MediaKeys.KEY_BYTES + TAG_BITS / 8;
  private static final SecureRandom RANDOM = new SecureRandom();

  private SealedHeader() {}

  static boolean startsSealed(ByteBuffer first) {
    if (first.remaining() < MAGIC.length) {
      return false;
    }
    byte[] magic = new byte[MAGIC.length];
    first.get(first.position(), magic);
    return Arrays.equals(magic, MAGIC);
  }

  /** A fresh file key, and the header that carries it wrapped by {@code master}. */
  static ByteBuffer create(MediaKeys.Key master, byte[] fileKey, int slotShift) {
    byte[] id = master.id().getBytes(StandardCharsets.US_ASCII);
    ByteBuffer header = ByteBuffer.allocate(MAGIC.length + 3 + id.length + NONCE + WRAPPED);
    header.put(MAGIC).put((byte) VERSION).put((byte) slotShift).put((byte) id.length).put(id);
    byte[] nonce = new byte[NONCE];
    RANDOM.nextBytes(nonce);
    try {
      Cipher wrap = Cipher.getInstance("AES/GCM/NoPadding");
      wrap.init(Cipher.ENCRYPT_MODE, master.secret(), new GCMParameterSpec(TAG_BITS, nonce));
      wrap.updateAAD(header.array(), 0, header.position());
      header.put(nonce).put(wrap.doFinal(fileKey));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is in every Java runtime", e);
    }
    return header.flip();
  }

  /**
   * The file key of a sealed file's header.
   *
   * @throws SealedMediaException when the header cannot be read, names a master key {@code keys} lacks, or its
   *     wrapped key does not unwrap
   */
  static SecretKey fileKey(ByteBuffer header, MediaKeys keys, Path file, int slotShift)
      throws SealedMediaException {
    int start = header.position();
    if (header.remaining() < MAGIC.length + 3) {
      throw new SealedMediaException(file + ": the header of a sealed media file ends too soon");
    }
    header.position(start + MAGIC.length);
    int version = header.get() & 0xFF;
    int shift = header.get() & 0xFF;
    int idLength = header.get() & 0xFF;
    if (version != VERSION || shift != slotShift) {
      throw new SealedMediaException(file + ": expected a sealed media file of version " + VERSION + " with slots of "
          + (1 << slotShift) + " bytes, found version " + version + " and slot shift " + shift);
    }
    if (header.remaining() < idLength + NONCE + WRAPPED) {
      throw new SealedMediaException(file + ": the header of a sealed media file ends too soon");
    }
    byte[] id = new byte[idLength];
    header.get(id);
    String keyId = new String(id, StandardCharsets.US_ASCII);
    int aadEnd = header.position();
    byte[] nonce = new byte[NONCE];
    header.get(nonce);
    byte[] wrapped = new byte[WRAPPED];
    header.get(wrapped);
    Optional<SecretKey> master = keys.find(keyId);
    if (master.isEmpty()) {
      throw new SealedMediaException(file + " is sealed under media key " + keyId + ", which is not among the keys given"
          + (keys.isEmpty() ? " (none: set media.keyFile)" : " " + keys.ids()) + "; give the key it was sealed with");
    }
    try {
      Cipher unwrap = Cipher.getInstance("AES/GCM/NoPadding");
      unwrap.init(Cipher.DECRYPT_MODE, master.get(), new GCMParameterSpec(TAG_BITS, nonce));
      byte[] aad = new byte[aadEnd - start];
      header.get(start, aad);
      unwrap.updateAAD(aad);
      return new SecretKeySpec(unwrap.doFinal(wrapped), "AES");
    } catch (javax.crypto.AEADBadTagException e) {
      throw new SealedMediaException(file + ": its file key does not unwrap with media key " + keyId
          + ": the header was altered", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is in every Java runtime", e);
    }
  }
}
