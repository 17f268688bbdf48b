package io.tandem.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.config.ConfigException;
import io.tandem.config.ConfigFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class S3TargetsTest {
  private static ConfigFile file(String... pairs) {
    Properties properties = new Properties();
    for (int i = 0; i < pairs.length; i += 2) {
      properties.setProperty(pairs[i], pairs[i + 1]);
    }
    return ConfigFile.of(properties);
  }

  private static final String[] COMPLETE = {
      "archive.s3.calls.endpoint", "http://127.0.0.1:9000", "archive.s3.calls.bucket", "tandem-calls",
      "archive.s3.calls.accessKeyId", "AKIDEXAMPLE", "archive.s3.calls.secretAccessKey", "very-secret-value"};

  @Test
  void aTargetIsReadWithItsDefaults() {
    S3Target target = S3Targets.from(file(COMPLETE)).named("calls").orElseThrow();

    assertThat(target.endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    assertThat(target.region()).isEqualTo("us-east-1");
    assertThat(target.bucket()).isEqualTo("tandem-calls");
    assertThat(target.pathStyle()).isTrue();
  }

  @Test
  void theSecretIsNeverShown() {
    S3Targets targets = S3Targets.from(file(COMPLETE));

    assertThat(targets.named("calls").orElseThrow().toString()).doesNotContain("very-secret-value")
        .contains("AKIDEXAMPLE");
    assertThat(targets.toString()).doesNotContain("very-secret-value");
  }

  @Test
  void aTrustFileThatHoldsNoCertificateOrAnHttpEndpointIsOneErrorNamingItsKey(@TempDir Path folder)
      throws Exception {
    Path notPem = Files.writeString(folder.resolve("ca.pem"), "not a certificate\n");
    String[] https = COMPLETE.clone();
    https[1] = "https://s3.example.com:9000";
    String[] withTrust = java.util.Arrays.copyOf(https, https.length + 2);
    withTrust[https.length] = "archive.s3.calls.trust";
    withTrust[https.length + 1] = notPem.toString();

    assertThatThrownBy(() -> S3Targets.from(file(withTrust))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'archive.s3.calls.trust' (" + notPem + ") must be a readable PEM file");
    withTrust[1] = "http://127.0.0.1:9000";
    assertThatThrownBy(() -> S3Targets.from(file(withTrust))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'archive.s3.calls.trust' names certificates to trust over https, but "
            + "'archive.s3.calls.endpoint' is http://127.0.0.1:9000");
    withTrust[https.length + 1] = folder.resolve("missing.pem").toString();
    withTrust[1] = https[1];
    assertThatThrownBy(() -> S3Targets.from(file(withTrust))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'archive.s3.calls.trust'").hasMessageContaining("missing.pem");
  }

  @Test
  void aMissingBucketIsOneErrorNamingItsKey() {
    assertThatThrownBy(() -> S3Targets.from(file("archive.s3.calls.endpoint", "http://127.0.0.1:9000",
        "archive.s3.calls.accessKeyId", "id", "archive.s3.calls.secretAccessKey", "secret")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'archive.s3.calls.bucket'")
        .hasMessageContaining("got nothing");
  }

  @Test
  void aBadEndpointUrlIsOneErrorNamingItsKey() {
    String[] pairs = COMPLETE.clone();
    pairs[1] = "127.0.0.1:9000";
    assertThatThrownBy(() -> S3Targets.from(file(pairs))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'archive.s3.calls.endpoint'").hasMessageContaining("127.0.0.1:9000");
    pairs[1] = "ftp://host/";
    assertThatThrownBy(() -> S3Targets.from(file(pairs))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'archive.s3.calls.endpoint'");
  }

  @Test
  void missingCredentialsAndABadNameAreErrorsNamingTheKey() {
    assertThatThrownBy(() -> S3Targets.from(file("archive.s3.calls.bucket", "tandem-calls",
        "archive.s3.calls.secretAccessKey", "secret")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'archive.s3.calls.accessKeyId'");
    assertThatThrownBy(() -> S3Targets.from(file("archive.s3.calls.bucket", "tandem-calls",
        "archive.s3.calls.accessKeyId", "id")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'archive.s3.calls.secretAccessKey'")
        .message().doesNotContain("id,");
    assertThatThrownBy(() -> S3Targets.from(file("archive.s3.a b.bucket", "tandem-calls")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'archive.s3.a b'");
  }

  @Test
  void aBadBooleanIsAnErrorNamingItsKey() {
    String[] pairs = java.util.Arrays.copyOf(COMPLETE, COMPLETE.length + 2);
    pairs[COMPLETE.length] = "archive.s3.calls.pathStyle";
    pairs[COMPLETE.length + 1] = "sometimes";
    assertThatThrownBy(() -> S3Targets.from(file(pairs))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'archive.s3.calls.pathStyle'");
  }
}
