package io.tandem.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM text (RFC 7468): X.509 certificates read and written, and an unencrypted PKCS#8 private key read (RSA, EC or
 * EdDSA). Stateless.
 */
public final class Pem {
  private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

  private Pem() {}

  /**
   * Every certificate of a PEM text, in order.
   *
   * @throws IllegalArgumentException saying what was found instead
   */
  public static List<X509Certificate> certificates(String text) {
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (byte[] der : blocks(text, "CERTIFICATE")) {
        certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException("a CERTIFICATE block cannot be read: " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("expected at least one -----BEGIN CERTIFICATE----- block, found none");
    }
    return certificates;
  }

  /**
   * The private key of a PEM text's {@code PRIVATE KEY} block (PKCS#8, unencrypted).
   *
   * @throws IllegalArgumentException saying what was found instead, and how to convert other forms
   */
  public static PrivateKey privateKey(String text) {
    List<byte[]> keys = blocks(text, "PRIVATE KEY");
    if (keys.size() != 1) {
      String other = text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")
          || text.contains("BEGIN ENCRYPTED PRIVATE KEY") ? "; convert it with 'openssl pkcs8 -topk8 -nocrypt'" : "";
      throw new IllegalArgumentException("expected one unencrypted -----BEGIN PRIVATE KEY----- block (PKCS#8), found "
          + keys.size() + other);
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(keys.get(0));
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("the PRIVATE KEY block is no RSA, EC or EdDSA key");
  }

  /** A certificate as PEM text. */
  public static String of(X509Certificate certificate) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("a certificate that was read can be encoded", e);
    }
  }

  /** A private key as an unencrypted PKCS#8 PEM block. */
  public static String of(PrivateKey key) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  private static List<byte[]> blocks(String text, String label) {
    List<byte[]> blocks = new ArrayList<>();
    Matcher matcher = BLOCK.matcher(text);
    while (matcher.find()) {
      if (matcher.group(1).equals(label)) {
        try {
          blocks.add(Base64.getMimeDecoder().decode(matcher.group(2)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("a " + label + " block is not base64: " + e.getMessage(), e);
        }
      }
    }
    return blocks;
  }
}
