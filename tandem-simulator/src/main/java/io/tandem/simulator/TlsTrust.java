package io.tandem.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** The TLS client side of the simulator: whom it trusts to be a recorder. Stateless. */
final class TlsTrust {
  private TlsTrust() {}

  /**
   * Sockets that trust the PEM certificates of {@code trusted} (a recorder's self-signed certificate, or the
   * authority that signed it), or the JDK's trusted authorities when it is null.
   */
  static SSLSocketFactory socketFactory(Path trusted) throws IOException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      if (trusted == null) {
        context.init(null, null, null);
        return context.getSocketFactory();
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      try (InputStream in = Files.newInputStream(trusted)) {
        int index = 0;
        for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          store.setCertificateEntry("trusted-" + index++, certificate);
        }
        if (index == 0) {
          throw new IOException("no certificate in " + trusted);
        }
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      context.init(null, trust.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot trust the certificates of " + trusted + ": " + e.getMessage(), e);
    }
  }
}
