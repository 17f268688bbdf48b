package io.tandem.it;

import io.tandem.tls.Pem;
import io.tandem.tls.SelfSignedCertificate;
import io.tandem.tls.TlsIdentity;
import io.tandem.tls.TlsTrust;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * One self-signed certificate for 127.0.0.1 per test run, made with the JDK's keytool, for the processes that
 * answer HTTPS in a test and the clients that trust it; the test clients trust it too, which changes nothing for
 * plain http addresses.
 */
final class TestCertificate {
  static final String PASSWORD = "test-keystore-password";
  static final Path DIR = make();
  static final Path PEM = DIR.resolve("ca.pem");
  static final Path KEY = DIR.resolve("tandem.key");
  static final SSLContext TRUST = TlsTrust.of(PEM, "test certificate");

  private TestCertificate() {}

  /** The config keys of a recorder whose admin API answers HTTPS with this certificate. */
  static Map<String, String> recorderSettings() {
    return Map.of("admin.tls.certificate", PEM.toString(), "admin.tls.key", KEY.toString());
  }

  /** The config keys of a Manager that answers HTTPS with it and trusts recorders that show it. */
  static Map<String, String> managerSettings() {
    return Map.of("manager.tls.certificate", PEM.toString(), "manager.tls.key", KEY.toString(),
        "recorders.tls.trust", PEM.toString());
  }

  private static Path make() {
    try {
      Path dir = Files.createTempDirectory("tandem-test-tls");
      Path keystore = dir.resolve("tandem.p12");
      SelfSignedCertificate.create(keystore, PASSWORD.toCharArray(), "Tandem test", List.of("ip:127.0.0.1",
          "dns:localhost"), 30);
      TlsIdentity identity = TlsIdentity.fromKeystore(keystore, PASSWORD.toCharArray(), "test keystore");
      Files.writeString(dir.resolve("ca.pem"), Pem.of(identity.certificate()));
      java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
      try (java.io.InputStream in = Files.newInputStream(keystore)) {
        store.load(in, PASSWORD.toCharArray());
      }
      Files.writeString(dir.resolve("tandem.key"), Pem.of((java.security.PrivateKey) store.getKey("tandem",
          PASSWORD.toCharArray())));
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
