package io.tandem.media.sealed;

import io.tandem.config.ConfigException;
import io.tandem.config.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The media master keys of a process: 256-bit AES keys that wrap each media file's own key. The first is the
 * current one, which wraps the keys of new files; every one unwraps. A key is named by its id, the first 8 bytes
 * of a SHA-256 over it in hex, which a sealed file's header carries; the key itself is never written into media.
 * A key file holds one key per line in base64, the current one first; blank lines and lines starting with
 * {@code #} are skipped. Immutable and thread-safe.
 */
public final class MediaKeys {
  public static final int KEY_BYTES = 32;
  private static final byte[] ID_CONTEXT = "tandem media key id\0".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One master key and its id. */
  public record Key(String id, SecretKey secret) {}

  private final List<Key> keys;

  private MediaKeys(List<Key> keys) {
    this.keys = List.copyOf(keys);
  }

  /** No key: sealed media cannot be read, and nothing is sealed. */
  public static MediaKeys none() {
    return new MediaKeys(List.of());
  }

  /** One fresh random key. */
  public static MediaKeys generate() {
    byte[] key = new byte[KEY_BYTES];
    RANDOM.nextBytes(key);
    return new MediaKeys(List.of(key(key)));
  }

  /**
   * The keys of a key file.
   *
   * @param setting the config key that named the file, for the error
   * @throws ConfigException naming {@code setting} when the file cannot be read or a line is no key
   */
  public static MediaKeys load(Path file, String setting) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("'" + setting + "' must name a readable key file, got " + file + " ("
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }
    return parse(text, "'" + setting + "' (" + file + ")");
  }

  /**
   * The keys of a key file's text, or of one base64 key.
   *
   * @param source what the text came from, for the error
   * @throws ConfigException naming {@code source} when a line is no base64 256-bit key, or there is none
   */
  public static MediaKeys parse(String text, String source) {
    List<Key> keys = new ArrayList<>();
    int number = 0;
    for (String line : text.split("\\R")) {
      number++;
      String stripped = line.strip();
      if (stripped.isEmpty() || stripped.startsWith("#")) {
        continue;
      }
      byte[] key;
      try {
        key = Base64.getDecoder().decode(stripped);
      } catch (IllegalArgumentException e) {
        key = new byte[0];
      }
      if (key.length != KEY_BYTES) {
        throw new ConfigException(source + ": line " + number + " must be a 256-bit AES key in base64 (44 characters,"
            + " such as the output of 'openssl rand -base64 32'), got " + stripped.length() + " characters");
      }
      keys.add(key(key));
    }
    if (keys.isEmpty()) {
      throw new ConfigException(source + " must hold at least one key (a base64 256-bit AES key per line), found none");
    }
    return new MediaKeys(keys);
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /** The key that wraps the keys of new files. */
  public Key current() {
    if (keys.isEmpty()) {
      throw new IllegalStateException("no media key is configured");
    }
    return keys.get(0);
  }

  public Optional<SecretKey> find(String id) {
    return keys.stream().filter(key -> key.id().equals(id)).map(Key::secret).findFirst();
  }

  /** The ids of every key, the current one first. */
  public List<String> ids() {
    return keys.stream().map(Key::id).toList();
  }

  /** These keys with {@code newer} first: {@code newer} becomes the current key, the others still unwrap. */
  public MediaKeys withCurrent(MediaKeys newer) {
    List<Key> all = new ArrayList<>(newer.keys);
    keys.stream().filter(key -> newer.find(key.id()).isEmpty()).forEach(all::add);
    return new MediaKeys(all);
  }

  /** Writes the keys as a key file, 0600, in one rename. */
  public void write(Path file) throws IOException {
    StringBuilder text = new StringBuilder("# Tandem media master keys: one base64 AES-256 key a line; the first wraps the"
        + " keys of new media files, every one unwraps. Keep a copy apart from the media: without it they cannot be"
        + " read.\n");
    for (Key key : keys) {
      text.append(Base64.getEncoder().encodeToString(key.secret().getEncoded())).append('\n');
    }
    PrivateFiles.writeAtomically(file, text.toString());
  }

  /** Equal when they hold the same keys in the same order (the ids are digests of the keys). */
  @Override
  public boolean equals(Object other) {
    return other instanceof MediaKeys keys && keys.ids().equals(ids());
  }

  @Override
  public int hashCode() {
    return ids().hashCode();
  }

  @Override
  public String toString() {
    return "MediaKeys" + ids();
  }

  private static Key key(byte[] material) {
    return new Key(id(material), new SecretKeySpec(material, "AES"));
  }

  private static String id(byte[] material) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(ID_CONTEXT);
      byte[] hash = digest.digest(material);
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
