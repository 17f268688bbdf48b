package io.tandem.capture.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tandem.config.ConfigException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIP over TLS: the identity read from PEM files or a PKCS#12 keystore, and a real TLS listener on loopback. */
class SipTlsTest {
  @TempDir Path dir;
  private SipServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void aRequestOverTlsIsAnsweredWithACertificateFromPemFiles() throws Exception {
    TestCertificate certificate = TestCertificate.make(dir, "EC");
    SSLContext context = new SipTls(5061, certificate.certificatePem(), certificate.keyPem(), null, null).sslContext();
    assertThat(optionsOverTls(context, certificate)).startsWith("SIP/2.0 200");
  }

  @Test
  void aRequestOverTlsIsAnsweredWithACertificateFromAKeystore() throws Exception {
    TestCertificate certificate = TestCertificate.make(dir, "RSA");
    SSLContext context = new SipTls(5061, null, null, certificate.keystore(), certificate.password()).sslContext();
    assertThat(optionsOverTls(context, certificate)).startsWith("SIP/2.0 200");
  }

  @Test
  void plainTcpOnTheTlsPortFailsItsHandshakeAndIsCounted() throws Exception {
    TestCertificate certificate = TestCertificate.make(dir, "EC");
    start(new SipTls(5061, certificate.certificatePem(), certificate.keyPem(), null, null).sslContext(),
        AllowList.LOOPBACK);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.tlsPort())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(SipServerAccessTest.options("plain-on-tls").getBytes(StandardCharsets.UTF_8));
      InputStream in = socket.getInputStream();
      while (in.read() >= 0) {
        // Whatever alert comes back, the connection ends.
      }
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> server.tlsHandshakeFailures() == 1);
  }

  @Test
  void aTlsConnectionFromOutsideTheAllowListIsClosedBeforeAnyHandshake() throws Exception {
    TestCertificate certificate = TestCertificate.make(dir, "EC");
    start(new SipTls(5061, certificate.certificatePem(), certificate.keyPem(), null, null).sslContext(),
        AllowList.parse("127.0.0.1"));
    SSLSocket socket = (SSLSocket) trusting(certificate).getSocketFactory().createSocket(
        InetAddress.getByName("127.0.0.1"), server.tlsPort(), InetAddress.getByName("127.0.0.2"), 0);
    try (socket) {
      socket.setSoTimeout(5000);
      assertThatThrownBy(socket::startHandshake).isInstanceOf(java.io.IOException.class);
    }
    assertThat(server.refusals().sourceCount(SipTransport.TLS)).isEqualTo(1);
    assertThat(server.tlsHandshakeFailures()).isZero();
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefusedNamingBothKeys() throws Exception {
    TestCertificate one = TestCertificate.make(dir.resolve(Files.createDirectory(dir.resolve("one"))), "EC");
    TestCertificate other = TestCertificate.make(dir.resolve(Files.createDirectory(dir.resolve("other"))), "EC");
    assertThatThrownBy(() -> new SipTls(5061, one.certificatePem(), other.keyPem(), null, null).sslContext())
        .isInstanceOf(ConfigException.class).hasMessageContaining("'sip.tls.key'")
        .hasMessageContaining("is not the private key of the first certificate of 'sip.tls.certificate'");
  }

  @Test
  void aKeyInAnotherPemShapeIsRefusedSayingHowToConvertIt() throws Exception {
    TestCertificate certificate = TestCertificate.make(dir, "RSA");
    Path rsa = Files.writeString(dir.resolve("rsa.key"), Files.readString(certificate.keyPem())
        .replace("PRIVATE KEY", "RSA PRIVATE KEY"));
    assertThatThrownBy(() -> new SipTls(5061, certificate.certificatePem(), rsa, null, null).sslContext())
        .isInstanceOf(ConfigException.class).hasMessageContaining("unencrypted PKCS#8 PEM key")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void aKeystoreWithAWrongPasswordIsRefusedNamingItsKey() throws Exception {
    TestCertificate certificate = TestCertificate.make(dir, "EC");
    assertThatThrownBy(() -> new SipTls(5061, null, null, certificate.keystore(), "wrong").sslContext())
        .isInstanceOf(ConfigException.class).hasMessageContaining("'sip.tls.keystore'")
        .hasMessageContaining("'sip.tls.keystorePassword' opens");
  }

  private String optionsOverTls(SSLContext serverContext, TestCertificate certificate) throws Exception {
    start(serverContext, AllowList.LOOPBACK);
    SSLSocket socket = (SSLSocket) trusting(certificate).getSocketFactory().createSocket("127.0.0.1",
        server.tlsPort());
    try (socket) {
      javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(SipServerAccessTest.options("over-tls").replace("SIP/2.0/UDP", "SIP/2.0/TLS")
          .getBytes(StandardCharsets.UTF_8));
      return SipServerAccessTest.readMessage(socket.getInputStream());
    }
  }

  private void start(SSLContext context, AllowList allowed) throws Exception {
    server = new SipServer((request, reply) -> reply.send(SipMessage.responseTo(request, 200, "OK").build()),
        allowed, SipLimits.DEFAULTS, new SipRefusals());
    server.start("127.0.0.1", 0);
    server.startTls("127.0.0.1", 0, context);
  }

  private static SSLContext trusting(TestCertificate certificate) throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (InputStream in = Files.newInputStream(certificate.certificatePem())) {
      trusted.setCertificateEntry("recorder",
          java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
