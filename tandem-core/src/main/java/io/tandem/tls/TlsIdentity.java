package io.tandem.tls;

import io.tandem.config.ConfigException;
import io.tandem.config.ConfigFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * The certificate and private key an HTTP server answers HTTPS with, from PEM files ({@code PREFIX.certificate},
 * a chain, leaf first, and {@code PREFIX.key}, unencrypted PKCS#8) or a PKCS#12 keystore ({@code PREFIX.keystore}
 * and {@code PREFIX.keystorePassword}). Checked when read: the files parse, the key belongs to the certificate
 * and the certificate has not expired; each failure names its config key. Immutable and thread-safe.
 */
public final class TlsIdentity {
  private final SSLContext context;
  private final X509Certificate certificate;

  private TlsIdentity(SSLContext context, X509Certificate certificate) {
    this.context = context;
    this.certificate = certificate;
  }

  /**
   * The identity {@code PREFIX.*} of a config file gives, or null when it gives none (plain HTTP).
   *
   * @throws ConfigException naming the key at fault
   */
  public static TlsIdentity from(ConfigFile file, String prefix) {
    String certificate = file.string(prefix + ".certificate", null);
    String key = file.string(prefix + ".key", null);
    String keystore = file.string(prefix + ".keystore", null);
    String password = file.string(prefix + ".keystorePassword", "");
    if (keystore != null && (certificate != null || key != null)) {
      throw new ConfigException("give '" + prefix + ".keystore' or '" + prefix + ".certificate' with '" + prefix
          + ".key', not both");
    }
    if (keystore != null) {
      return fromKeystore(Path.of(keystore), password.toCharArray(), prefix + ".keystore");
    }
    if (certificate == null && key == null) {
      return null;
    }
    if (certificate == null || key == null) {
      throw new ConfigException("'" + prefix + (certificate == null ? ".certificate" : ".key") + "' must be given with '"
          + prefix + (certificate == null ? ".key" : ".certificate") + "' (PEM files of the certificate chain and of "
          + "its private key)");
    }
    return fromPem(Path.of(certificate), Path.of(key), prefix + ".certificate", prefix + ".key");
  }

  /** From PEM files; {@code certificateKey} and {@code keyKey} name them in errors. */
  public static TlsIdentity fromPem(Path certificateFile, Path keyFile, String certificateKey, String keyKey) {
    List<X509Certificate> chain;
    try {
      chain = Pem.certificates(read(certificateFile, certificateKey));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("'" + certificateKey + "' (" + certificateFile + ") must be a PEM file of X.509 "
          + "certificates, leaf first: " + e.getMessage());
    }
    PrivateKey key;
    try {
      key = Pem.privateKey(read(keyFile, keyKey));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("'" + keyKey + "' (" + keyFile + ") must be a PEM private key: " + e.getMessage());
    }
    checkPair(key, chain.get(0), keyKey, certificateKey);
    return of(key, chain.toArray(new X509Certificate[0]), certificateKey);
  }

  /** From a PKCS#12 keystore holding one private key entry; {@code keystoreKey} names it in errors. */
  public static TlsIdentity fromKeystore(Path keystore, char[] password, String keystoreKey) {
    KeyStore store;
    try (InputStream in = Files.newInputStream(keystore)) {
      store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException("'" + keystoreKey + "' (" + keystore + ") must be a PKCS#12 keystore readable with "
          + "its password ('" + keystoreKey + "Password'): " + e.getMessage());
    }
    return of(store, password, keystoreKey);
  }

  private static TlsIdentity of(KeyStore store, char[] password, String configKey) {
    try {
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias)) {
          PrivateKey key = (PrivateKey) store.getKey(alias, password);
          X509Certificate[] chain = java.util.Arrays.stream(store.getCertificateChain(alias))
              .map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
          checkPair(key, chain[0], configKey, configKey);
          return of(key, chain, configKey);
        }
      }
      throw new ConfigException("'" + configKey + "' must hold a private key with its certificate, found none");
    } catch (GeneralSecurityException e) {
      throw new ConfigException("'" + configKey + "': the certificate and key cannot be used: " + e.getMessage());
    }
  }

  private static TlsIdentity of(PrivateKey key, X509Certificate[] chain, String configKey) {
    checkValid(chain[0], configKey);
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {new SingleKeyManager(key, chain)}, null, null);
      return new TlsIdentity(context, chain[0]);
    } catch (GeneralSecurityException e) {
      throw new ConfigException("'" + configKey + "': the certificate and key cannot be used: " + e.getMessage());
    }
  }

  public SSLContext sslContext() {
    return context;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** The SHA-256 fingerprint of the certificate, as {@code AB:CD:...}, the way browsers and openssl show it. */
  public String fingerprint() {
    return fingerprint(certificate);
  }

  public static String fingerprint(X509Certificate certificate) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(hash);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 of a certificate that was read", e);
    }
  }

  private static void checkPair(PrivateKey key, X509Certificate certificate, String keyKey, String certificateKey) {
    String algorithm = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "ED25519", "EDDSA" -> "Ed25519";
      case "ED448" -> "Ed448";
      default -> null;
    };
    if (algorithm == null) {
      return;
    }
    try {
      byte[] probe = "tandem".getBytes(StandardCharsets.US_ASCII);
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(certificate.getPublicKey());
      verify.update(probe);
      if (!verify.verify(signature)) {
        throw new ConfigException("'" + keyKey + "' is not the private key of the certificate of '" + certificateKey
            + "' (" + certificate.getSubjectX500Principal().getName() + ")");
      }
    } catch (GeneralSecurityException e) {
      throw new ConfigException("'" + keyKey + "' is not the private key of the certificate of '" + certificateKey
          + "': " + e.getMessage());
    }
  }

  private static void checkValid(X509Certificate certificate, String configKey) {
    if (certificate.getNotAfter().before(new Date())) {
      throw new ConfigException("'" + configKey + "': the certificate " + certificate.getSubjectX500Principal().getName()
          + " expired on " + certificate.getNotAfter().toInstant());
    }
  }

  private static String read(Path file, String configKey) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("'" + configKey + "' must name a readable file, got " + file + " ("
          + e.getClass().getSimpleName() + ")");
    }
  }
}
