package io.tandem.media.sealed;

import io.tandem.media.MediaChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A media file sealed at rest: its plain bytes are cut into chunks of {@link #CHUNK} bytes, and chunk {@code i}
 * is sealed with AES-256-GCM under the file's own key into slot {@code i}, the page at {@code 4096 * (i + 1)}:
 * a fresh 12-byte nonce, the chunk's length (2 bytes), the ciphertext and the 16-byte tag, the slot's index and
 * the length authenticated with it. The first page holds the {@link SealedHeader}. Any byte is reached by
 * opening one slot, so reads and writes go anywhere; appending re-seals only the last chunk.
 *
 * <p>Crash safety: a slot is one page, and the kernel copies a write into the page cache page by page, so a
 * kill -9 in the middle of a write leaves each slot either as it was or as it was to be: every chunk written
 * before, the last partial one too, stays readable. A cut shortens a file in steps that each leave it readable.
 * {@link #recoverTail} drops a last slot that does not authenticate, which only a crash of the machine itself
 * mid-write can leave. Not thread-safe: one thread at a time.
 */
public final class SealedChannel implements MediaChannel {
  static final int SLOT_SHIFT = 12;
  static final int SLOT = 1 << SLOT_SHIFT;
  private static final int NONCE = 12;
  private static final int LENGTH = 2;
  private static final int TAG = 16;
  private static final int OVERHEAD = NONCE + LENGTH + TAG;
  /** Plain bytes a slot holds. */
  public static final int CHUNK = SLOT - OVERHEAD;
  private static final long FIRST_SLOT = SLOT;
  private static final int BATCH_SLOTS = 16;
  /** Where writes seal their slots before one write each; per thread, as capture threads serve many files. */
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[BATCH_SLOTS * SLOT]);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Logger log = LoggerFactory.getLogger(SealedChannel.class);

  private final FileChannel file;
  private final Path path;
  private final SecretKey key;
  private final Cipher cipher;
  /** 8 random bytes for this channel, then a counter of its seals: no nonce repeats under the file's key. */
  private final byte[] nonce = new byte[NONCE];
  private int seals;
  private final byte[] aad = new byte[Long.BYTES + LENGTH];
  private long size;
  /** Slots the file holds by its length, and those counted in {@link #size} (one fewer after a torn last slot). */
  private long fileSlots;
  private long sizedSlots;
  /** The plain bytes of one chunk, as last read or written. */
  private final byte[] chunk = new byte[CHUNK];
  private long chunkIndex = -1;
  private int chunkLength;
  /** Slots read ahead for sequential reads. */
  private byte[] ahead;
  private long aheadFirst;
  private int aheadSlots;

  private SealedChannel(FileChannel file, Path path, SecretKey key) throws IOException {
    this.file = file;
    this.path = path;
    this.key = key;
    try {
      this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is in every Java runtime", e);
    }
    RANDOM.nextBytes(nonce);
    measure();
  }

  /** Seals the empty file {@code file} under a fresh key wrapped by the current key of {@code keys}. */
  public static SealedChannel create(FileChannel file, Path path, MediaKeys keys) throws IOException {
    byte[] fileKey = new byte[MediaKeys.KEY_BYTES];
    RANDOM.nextBytes(fileKey);
    ByteBuffer header = SealedHeader.create(keys.current(), fileKey, SLOT_SHIFT);
    while (header.hasRemaining()) {
      file.write(header, header.position());
    }
    return new SealedChannel(file, path, new javax.crypto.spec.SecretKeySpec(fileKey, "AES"));
  }

  /**
   * Opens a sealed file: reads its header and unwraps its key; reads no chunk yet.
   *
   * @throws SealedMediaException when no key of {@code keys} unwraps it
   */
  public static SealedChannel open(FileChannel file, Path path, MediaKeys keys) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(SealedHeader.MAX_BYTES);
    while (header.hasRemaining() && file.read(header, header.position()) >= 0) {
      // read the first bytes, as many as the file has
    }
    header.flip();
    return new SealedChannel(file, path, SealedHeader.fileKey(header, keys, path, SLOT_SHIFT));
  }

  /** Whether {@code first} (a file's first bytes) starts a sealed media file. */
  public static boolean startsSealed(ByteBuffer first) {
    return SealedHeader.startsSealed(first);
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    if (position >= size) {
      return dst.hasRemaining() ? -1 : 0;
    }
    int total = 0;
    while (dst.hasRemaining() && position < size) {
      long index = position / CHUNK;
      int offset = (int) (position % CHUNK);
      load(index);
      int n = Math.min(chunkLength - offset, dst.remaining());
      if (n <= 0) {
        break;
      }
      dst.put(chunk, offset, n);
      position += n;
      total += n;
    }
    return total;
  }

  @Override
  public void write(ByteBuffer src, long position) throws IOException {
    if (!src.hasRemaining()) {
      return;
    }
    if (position > size) {
      fillZeros(size, position);
    }
    aheadSlots = 0;
    byte[] out = SCRATCH.get();
    long first = -1;
    int batched = 0;
    int lastSealed = 0;
    while (src.hasRemaining()) {
      long index = position / CHUNK;
      int offset = (int) (position % CHUNK);
      int n = Math.min(CHUNK - offset, src.remaining());
      if (offset == 0 && n == CHUNK) {
        chunkIndex = index;
        chunkLength = 0;
      } else {
        loadForWrite(index);
        if (offset > chunkLength) {
          Arrays.fill(chunk, chunkLength, offset, (byte) 0);
        }
      }
      src.get(chunk, offset, n);
      chunkLength = Math.max(chunkLength, offset + n);
      if (batched == BATCH_SLOTS) {
        writeSlots(out, first, batched, lastSealed);
        batched = 0;
      }
      if (batched == 0) {
        first = index;
      }
      lastSealed = seal(index, out, batched * SLOT);
      batched++;
      position += n;
      if (position > size) {
        size = position;
        sizedSlots = Math.max(sizedSlots, index + 1);
      }
    }
    writeSlots(out, first, batched, lastSealed);
    // What was read ahead before these slots were written is stale now.
    aheadSlots = 0;
  }

  @Override
  public long size() {
    return size;
  }

  /**
   * Cuts the plain bytes to {@code newSize} in steps that each leave a readable file: the slots past the new
   * last one go first, then the new last chunk is sealed shorter in place, then the file is cut after it.
   */
  @Override
  public void truncate(long newSize) throws IOException {
    if (newSize < 0) {
      throw new IllegalArgumentException("a size must be >= 0, got " + newSize);
    }
    if (newSize >= size) {
      return;
    }
    aheadSlots = 0;
    long keep = (newSize + CHUNK - 1) / CHUNK;
    int lastLength = (int) (newSize - (keep - 1) * CHUNK);
    if (keep > 0 && lastLength < CHUNK) {
      load(keep - 1);
    }
    file.truncate(slotOffset(keep));
    if (keep > 0 && lastLength < CHUNK) {
      chunkLength = lastLength;
      byte[] out = SCRATCH.get();
      int sealed = seal(keep - 1, out, 0);
      writeSlots(out, keep - 1, 1, sealed);
      file.truncate(slotOffset(keep - 1) + sealed);
    }
    if (chunkIndex >= keep) {
      chunkIndex = -1;
    }
    aheadSlots = 0;
    size = newSize;
    fileSlots = keep;
    sizedSlots = keep;
  }

  @Override
  public void force() throws IOException {
    file.force(true);
  }

  @Override
  public void close() throws IOException {
    file.close();
  }

  /**
   * After a crash: checks that the last chunk authenticates, and drops it when it does not but the one before
   * does (a write torn by the machine's own crash).
   *
   * @return the plain bytes dropped
   * @throws SealedMediaException when more than the last chunk fails; then nothing is changed
   */
  public long recoverTail() throws IOException {
    long last = sizedSlots - 1;
    boolean lastWhole = last < 0 || authenticates(last);
    if (lastWhole && fileSlots == sizedSlots) {
      return 0;
    }
    long keep = lastWhole ? sizedSlots : last;
    if (keep > 0 && !authenticates(keep - 1)) {
      throw new SealedMediaException(path + ": chunks " + (keep - 1) + " and " + keep + " do not authenticate: the "
          + "file was altered; left as it is");
    }
    long before = size;
    file.truncate(slotOffset(keep));
    chunkIndex = -1;
    aheadSlots = 0;
    size = keep * CHUNK;
    fileSlots = keep;
    sizedSlots = keep;
    log.warn("{}: its last slot was torn by a crash and is dropped ({} plain bytes)", path, before - size);
    return before - size;
  }

  private boolean authenticates(long index) throws IOException {
    try {
      chunkIndex = -1;
      load(index);
      return true;
    } catch (SealedMediaException e) {
      return false;
    }
  }

  /** The plain size from the file's length and the length its last slot declares. */
  private void measure() throws IOException {
    long fileSize = file.size();
    fileSlots = fileSize <= FIRST_SLOT ? 0 : (fileSize - FIRST_SLOT + SLOT - 1) / SLOT;
    sizedSlots = fileSlots;
    size = 0;
    if (fileSlots == 0) {
      return;
    }
    long last = fileSlots - 1;
    ByteBuffer length = ByteBuffer.allocate(LENGTH);
    file.read(length, slotOffset(last) + NONCE);
    int declared = length.position() == LENGTH ? Short.toUnsignedInt(length.getShort(0)) : -1;
    if (declared < 0 || declared > CHUNK || slotOffset(last) + OVERHEAD + declared > fileSize) {
      // A last slot cut short or unreadable: what precedes it is the file.
      sizedSlots = last;
      size = last * CHUNK;
      return;
    }
    size = last * CHUNK + declared;
  }

  private void loadForWrite(long index) throws IOException {
    if (index == chunkIndex) {
      return;
    }
    if (index < sizedSlots) {
      load(index);
    } else {
      chunkIndex = index;
      chunkLength = 0;
    }
  }

  /** Makes {@link #chunk} hold chunk {@code index}, read ahead with the slots after it. */
  private void load(long index) throws IOException {
    if (index == chunkIndex) {
      return;
    }
    if (ahead == null) {
      ahead = new byte[BATCH_SLOTS * SLOT];
    }
    if (index < aheadFirst || index >= aheadFirst + aheadSlots) {
      int slots = (int) Math.min(BATCH_SLOTS, sizedSlots - index);
      ByteBuffer into = ByteBuffer.wrap(ahead, 0, slots * SLOT);
      long at = slotOffset(index);
      while (into.hasRemaining() && file.read(into, at + into.position()) >= 0) {
        // read the slots, the last maybe shorter than a page
      }
      aheadFirst = index;
      aheadSlots = slots;
    }
    open(index, ahead, (int) (index - aheadFirst) * SLOT);
  }

  private void open(long index, byte[] slots, int at) throws IOException {
    int length = ((slots[at + NONCE] & 0xFF) << 8) | (slots[at + NONCE + 1] & 0xFF);
    if (length > CHUNK) {
      throw new SealedMediaException(path + ": chunk " + index + " declares " + length + " bytes, more than a chunk"
          + " holds: the file was altered");
    }
    chunkIndex = -1;
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, slots, at, NONCE));
      cipher.updateAAD(aad(index, length));
      cipher.doFinal(slots, at + NONCE + LENGTH, length + TAG, chunk, 0);
    } catch (AEADBadTagException e) {
      throw new SealedMediaException(path + ": chunk " + index + " does not authenticate: the file was altered", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is in every Java runtime", e);
    }
    chunkIndex = index;
    chunkLength = length;
  }

  /** Seals {@link #chunk} as slot {@code index} into {@code out} at {@code at}; returns the sealed bytes. */
  private int seal(long index, byte[] out, int at) throws IOException {
    if (++seals == 0) {
      throw new IOException(path + ": a channel seals at most 2^32 - 1 chunks; open it again");
    }
    nonce[8] = (byte) (seals >>> 24);
    nonce[9] = (byte) (seals >>> 16);
    nonce[10] = (byte) (seals >>> 8);
    nonce[11] = (byte) seals;
    System.arraycopy(nonce, 0, out, at, NONCE);
    out[at + NONCE] = (byte) (chunkLength >>> 8);
    out[at + NONCE + 1] = (byte) chunkLength;
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce));
      cipher.updateAAD(aad(index, chunkLength));
      cipher.doFinal(chunk, 0, chunkLength, out, at + NONCE + LENGTH);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is in every Java runtime", e);
    }
    return OVERHEAD + chunkLength;
  }

  private byte[] aad(long index, int length) {
    for (int i = 0; i < Long.BYTES; i++) {
      aad[i] = (byte) (index >>> (56 - 8 * i));
    }
    aad[8] = (byte) (length >>> 8);
    aad[9] = (byte) length;
    return aad;
  }

  /** Writes {@code count} sealed slots from {@code first} in one write; the last is {@code lastBytes} long. */
  private void writeSlots(byte[] out, long first, int count, int lastBytes) throws IOException {
    if (count == 0) {
      return;
    }
    ByteBuffer slots = ByteBuffer.wrap(out, 0, (count - 1) * SLOT + lastBytes);
    long at = slotOffset(first);
    while (slots.hasRemaining()) {
      file.write(slots, at + slots.position());
    }
    fileSlots = Math.max(fileSlots, first + count);
  }

  private void fillZeros(long from, long to) throws IOException {
    ByteBuffer zeros = ByteBuffer.allocate(CHUNK);
    for (long at = from; at < to; ) {
      int n = (int) Math.min(CHUNK - at % CHUNK, to - at);
      write(zeros.clear().limit(n), at);
      at += n;
    }
  }

  private static long slotOffset(long index) {
    return FIRST_SLOT + index * SLOT;
  }

  @Override
  public String toString() {
    return "SealedChannel[" + path + ", " + size + " bytes]";
  }
}
