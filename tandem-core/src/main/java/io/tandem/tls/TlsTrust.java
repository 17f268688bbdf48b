package io.tandem.tls;

import io.tandem.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * What an HTTPS client trusts: the certificates of a PEM file (a CA, or a server's own self-signed certificate) in
 * place of the JDK's default authorities; the server's name is still checked against its certificate. Never
 * "trust all". Stateless.
 */
public final class TlsTrust {
  private TlsTrust() {}

  /**
   * A client context that trusts exactly the certificates of {@code pemFile}.
   *
   * @param setting the option or config key that named the file, for the error
   * @throws ConfigException naming {@code setting} when the file holds no readable certificate
   */
  public static SSLContext of(Path pemFile, String setting) {
    TrustManager[] managers = trustManagers(pemFile, setting);
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, managers, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new ConfigException("'" + setting + "' (" + pemFile + "): its certificates cannot be trusted: "
          + e.getMessage());
    }
  }

  /**
   * Trust managers that trust exactly the certificates of {@code pemFile}, for a client built around its own
   * context (the S3 archive's).
   *
   * @param setting the option or config key that named the file, for the error
   * @throws ConfigException naming {@code setting} when the file holds no readable certificate
   */
  public static TrustManager[] trustManagers(Path pemFile, String setting) {
    List<X509Certificate> anchors;
    try {
      anchors = Pem.certificates(Files.readString(pemFile, StandardCharsets.US_ASCII));
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("'" + setting + "' (" + pemFile + ") must be a readable PEM file of the CA or server "
          + "certificates to trust: " + e.getMessage());
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < anchors.size(); i++) {
        store.setCertificateEntry("trusted-" + i, anchors.get(i));
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      return trust.getTrustManagers();
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigException("'" + setting + "' (" + pemFile + "): its certificates cannot be trusted: "
          + e.getMessage());
    }
  }

  /** The JDK's default authorities: for servers with publicly issued certificates. */
  public static SSLContext system() {
    try {
      return SSLContext.getDefault();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java runtime has a default TLS context", e);
    }
  }
}
