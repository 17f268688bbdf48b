package io.tandem.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import io.tandem.config.ConfigException;
import io.tandem.config.ConfigFile;
import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsIdentityTest {
  private static final String PASSWORD = "changeit-too";

  @TempDir
  static Path dir;

  static Path keystore;
  static Path certificate;
  static Path key;
  static Path otherKey;

  @BeforeAll
  static void makeCertificates() throws Exception {
    keystore = dir.resolve("server.p12");
    SelfSignedCertificate.create(keystore, PASSWORD.toCharArray(), "test", List.of("ip:127.0.0.1"), 2);
    TlsIdentity identity = TlsIdentity.fromKeystore(keystore, PASSWORD.toCharArray(), "k");
    certificate = Files.writeString(dir.resolve("server.pem"), Pem.of(identity.certificate()));
    key = Files.writeString(dir.resolve("server.key"), pem(privateKey(keystore)));
    Path other = dir.resolve("other.p12");
    SelfSignedCertificate.create(other, PASSWORD.toCharArray(), "other", List.of("ip:127.0.0.1"), 2);
    otherKey = Files.writeString(dir.resolve("other.key"), pem(privateKey(other)));
  }

  @Test
  void aServerWithPemFilesAnswersHttpsToAClientThatTrustsItsCertificateOnly() throws Exception {
    TlsIdentity identity = TlsIdentity.from(config("admin.tls.certificate", certificate.toString(), "admin.tls.key",
        key.toString()), "admin.tls");
    Javalin app = Javalin.create(cfg -> {
      cfg.startup.showJavalinBanner = false;
      cfg.jetty.addConnector((server, http) -> HttpsConnector.of(server, http, identity, "127.0.0.1", 0));
      cfg.routes.get("/health", ctx -> ctx.result("alive"));
    }).start("127.0.0.1", 0);
    try (HttpClient trusting = HttpClient.newBuilder().sslContext(TlsTrust.of(certificate, "--ca")).build();
        HttpClient untrusting = HttpClient.newHttpClient()) {
      URI health = URI.create("https://127.0.0.1:" + app.port() + "/health");
      HttpResponse<String> answer = trusting.send(HttpRequest.newBuilder(health).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("alive");
      assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(health).build(),
          HttpResponse.BodyHandlers.ofString())).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    } finally {
      app.stop();
    }
    assertThat(identity.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
  }

  @Test
  void aKeystoreServesAsWellAsPemFiles() {
    TlsIdentity identity = TlsIdentity.from(config("manager.tls.keystore", keystore.toString(),
        "manager.tls.keystorePassword", PASSWORD), "manager.tls");
    assertThat(identity.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=test");
  }

  @Test
  void noCertificateMeansPlainHttp() {
    assertThat(TlsIdentity.from(config(), "admin.tls")).isNull();
  }

  @Test
  void badSettingsAreRefusedWithOneLineNamingTheKey() {
    assertThatThrownBy(() -> TlsIdentity.from(config("admin.tls.certificate", certificate.toString()), "admin.tls"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'admin.tls.key' must be given with "
            + "'admin.tls.certificate'");
    assertThatThrownBy(() -> TlsIdentity.from(config("admin.tls.certificate", certificate.toString(), "admin.tls.key",
        otherKey.toString()), "admin.tls")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'admin.tls.key' is not the private key of the certificate of 'admin.tls.certificate'");
    assertThatThrownBy(() -> TlsIdentity.from(config("admin.tls.certificate", key.toString(), "admin.tls.key",
        key.toString()), "admin.tls")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'admin.tls.certificate'").hasMessageContaining("BEGIN CERTIFICATE");
    assertThatThrownBy(() -> TlsIdentity.from(config("admin.tls.certificate", certificate.toString(), "admin.tls.key",
        certificate.toString()), "admin.tls")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'admin.tls.key'").hasMessageContaining("PRIVATE KEY");
    assertThatThrownBy(() -> TlsIdentity.from(config("manager.tls.keystore", keystore.toString(),
        "manager.tls.keystorePassword", "wrong"), "manager.tls")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'manager.tls.keystore'").hasMessageContaining("password");
    assertThatThrownBy(() -> TlsIdentity.from(config("manager.tls.keystore", keystore.toString(),
        "manager.tls.certificate", certificate.toString()), "manager.tls")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> TlsTrust.of(key, "recorders.tls.trust")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'recorders.tls.trust'");
  }

  private static ConfigFile config(String... keysAndValues) {
    Properties properties = new Properties();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
    }
    return ConfigFile.of(properties);
  }

  private static PrivateKey privateKey(Path p12) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(p12.toFile())) {
      store.load(in, PASSWORD.toCharArray());
    }
    return (PrivateKey) store.getKey("tandem", PASSWORD.toCharArray());
  }

  private static String pem(PrivateKey key) {
    return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n";
  }
}
