package io.tandem.capture.sip;

import io.tandem.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * SIP over TLS as a recorder's config sets it: the port, and the certificate (chain) and private key it presents,
 * either as PEM files ({@code sip.tls.certificate}, {@code sip.tls.key}: an unencrypted PKCS#8 key) or as a PKCS#12
 * keystore ({@code sip.tls.keystore}, {@code sip.tls.keystorePassword}). Immutable; {@link #sslContext()} reads the
 * files, and a file that cannot be used fails with one line naming its key and what was expected.
 */
public record SipTls(int port, Path certificate, Path key, Path keystore, String keystorePassword) {
  public static final int DEFAULT_PORT = 5061;
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");

  public SipTls {
    if (port < 1 || port > 65535) {
      throw new ConfigException("'sip.tls.port' must be 1 to 65535, got " + port);
    }
    if ((certificate == null) != (key == null)) {
      throw new ConfigException("'sip.tls.certificate' and 'sip.tls.key' go together: give both PEM files, or a "
          + "PKCS#12 'sip.tls.keystore' instead");
    }
    if ((certificate == null) == (keystore == null)) {
      throw new ConfigException("SIP over TLS needs either 'sip.tls.certificate' with 'sip.tls.key' (PEM) or "
          + "'sip.tls.keystore' (PKCS#12), not both");
    }
    keystorePassword = keystorePassword == null ? "" : keystorePassword;
  }

  /** The server's TLS context, from the files; fails naming the config key of a file that cannot be used. */
  public SSLContext sslContext() {
    KeyStore store = keystore != null ? pkcs12() : pem();
    try {
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, keystorePassword.toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new ConfigException("'" + (keystore != null ? "sip.tls.keystore" : "sip.tls.key") + "' cannot serve TLS: "
          + e.getMessage());
    }
  }

  private KeyStore pkcs12() {
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, keystorePassword.toCharArray());
      if (!store.aliases().hasMoreElements()) {
        throw new ConfigException("'sip.tls.keystore' " + keystore + " must hold a private key and its certificate, "
            + "holds nothing");
      }
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException("'sip.tls.keystore' " + keystore + " must be a PKCS#12 keystore that "
          + "'sip.tls.keystorePassword' opens: " + e.getMessage());
    }
  }

  private KeyStore pem() {
    Collection<? extends Certificate> chain;
    try (InputStream in = Files.newInputStream(certificate)) {
      chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException("'sip.tls.certificate' " + certificate + " must be PEM certificates "
          + "(-----BEGIN CERTIFICATE-----): " + e.getMessage());
    }
    if (chain.isEmpty()) {
      throw new ConfigException("'sip.tls.certificate' " + certificate + " holds no certificate");
    }
    PrivateKey privateKey = privateKey();
    Certificate first = chain.iterator().next();
    if (!matches(privateKey, first.getPublicKey())) {
      throw new ConfigException("'sip.tls.key' " + key + " is not the private key of the first certificate of "
          + "'sip.tls.certificate' " + certificate);
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("sip", privateKey, keystorePassword.toCharArray(), chain.toArray(Certificate[]::new));
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException("'sip.tls.key' " + key + " cannot be kept with its certificate: " + e.getMessage());
    }
  }

  private PrivateKey privateKey() {
    String text;
    try {
      text = Files.readString(key, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ConfigException("'sip.tls.key' " + key + " cannot be read: " + e.getMessage());
    }
    String begin = "-----BEGIN PRIVATE KEY-----";
    int start = text.indexOf(begin);
    int end = text.indexOf("-----END PRIVATE KEY-----");
    if (start < 0 || end < start) {
      throw new ConfigException("'sip.tls.key' " + key + " must be an unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE "
          + "KEY-----); convert another with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8.pem");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("'sip.tls.key' " + key + " holds no valid base64 between its PEM lines");
    }
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // Not a key of this algorithm; try the next.
      }
    }
    throw new ConfigException("'sip.tls.key' " + key + " must be an RSA, EC or EdDSA private key");
  }

  /** Whether the private key signs what the public key verifies. */
  private static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
    String algorithm = switch (privateKey.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "RSASSA-PSS" -> null;
      default -> privateKey.getAlgorithm();
    };
    if (algorithm == null) {
      return true;
    }
    try {
      byte[] probe = "tandem".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
