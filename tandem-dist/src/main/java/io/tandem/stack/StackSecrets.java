package io.tandem.stack;

import io.tandem.access.MachineSecret;
import io.tandem.config.PrivateFiles;
import io.tandem.media.sealed.MediaKeys;
import io.tandem.tls.Pem;
import io.tandem.tls.SelfSignedCertificate;
import io.tandem.tls.TlsIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

/**
 * What a one-machine stack makes once, at its first start, and keeps under its data directory, all 0600 in 0700
 * folders: the media master key ({@code media.key}), the secret the Recorder Manager and the recorders know each
 * other by ({@code manager.secret}), and a self-signed certificate for 127.0.0.1 and localhost with
 * its key ({@code tls/ca.pem}, which clients trust, and {@code tls/tandem.key}). They are kept as PEM, which every
 * process of the stack reads at start without the thousands of key-derivation rounds a PKCS#12 keystore costs.
 * Later starts reuse them. Not thread-safe.
 */
final class StackSecrets {
  private static final int CERTIFICATE_DAYS = 825;

  private StackSecrets() {}

  /**
   * Makes whatever of them is missing, without reading what exists: what a recorder's config file names must be there
   * before the recorder starts, and reading them (a certificate checked against its key) can wait until after.
   */
  static void makeMissing(StackLayout layout) throws IOException {
    if (!Files.isRegularFile(layout.mediaKeyFile())) {
      MediaKeys.generate().write(layout.mediaKeyFile());
    }
    if (!Files.isRegularFile(layout.managerSecretFile())) {
      PrivateFiles.writeAtomically(layout.managerSecretFile(), MachineSecret.generate() + "\n");
    }
    if (!layout.plainHttp()) {
      PrivateFiles.createFolders(layout.tlsDir());
      if (!Files.isRegularFile(layout.certificateKey()) || !Files.isRegularFile(layout.certificate())) {
        make(layout);
      }
    }
  }

  /** The media keys, made when missing. */
  static MediaKeys mediaKeys(StackLayout layout) throws IOException {
    if (!Files.isRegularFile(layout.mediaKeyFile())) {
      MediaKeys.generate().write(layout.mediaKeyFile());
    }
    return MediaKeys.load(layout.mediaKeyFile(), "media.keyFile");
  }

  /** The secret the Manager and the recorders share, made when missing. */
  static String managerSecret(StackLayout layout) throws IOException {
    if (!Files.isRegularFile(layout.managerSecretFile())) {
      PrivateFiles.writeAtomically(layout.managerSecretFile(), MachineSecret.generate() + "\n");
    }
    return MachineSecret.check("manager.secret", Files.readString(layout.managerSecretFile()).strip());
  }

  /** The stack's certificate and key, made when missing. */
  static TlsIdentity certificate(StackLayout layout) throws IOException {
    PrivateFiles.createFolders(layout.tlsDir());
    if (!Files.isRegularFile(layout.certificateKey()) || !Files.isRegularFile(layout.certificate())) {
      make(layout);
    }
    return TlsIdentity.fromPem(layout.certificate(), layout.certificateKey(), "tls/ca.pem", "tls/tandem.key");
  }

  /** Makes the certificate with keytool in a keystore of the moment, and keeps it and its key as PEM. */
  private static void make(StackLayout layout) throws IOException {
    byte[] random = new byte[18];
    new SecureRandom().nextBytes(random);
    char[] password = HexFormat.of().formatHex(random).toCharArray();
    Path keystore = layout.tlsDir().resolve("making.p12");
    Files.deleteIfExists(keystore);
    try {
      SelfSignedCertificate.create(keystore, password, "Tandem on 127.0.0.1", List.of("ip:127.0.0.1",
          "dns:localhost"), CERTIFICATE_DAYS);
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keystore)) {
        store.load(in, password);
      }
      PrivateFiles.writeAtomically(layout.certificateKey(), Pem.of((PrivateKey) store.getKey("tandem", password)));
      PrivateFiles.writeAtomically(layout.certificate(), Pem.of((X509Certificate) store.getCertificate("tandem")));
    } catch (GeneralSecurityException e) {
      throw new IOException("the certificate keytool made cannot be read: " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(keystore);
    }
  }
}
