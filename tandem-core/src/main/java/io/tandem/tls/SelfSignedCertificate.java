package io.tandem.tls;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes a self-signed certificate and its EC P-256 key in a PKCS#12 keystore, with the JDK's own {@code keytool}
 * (beside the running {@code java}; the JDK has no public API that signs certificates): for a one-machine stack
 * on loopback, whose clients trust this very certificate. Stateless.
 */
public final class SelfSignedCertificate {
  private SelfSignedCertificate() {}

  /**
   * Writes the keystore {@code keystore} (which must not exist) for {@code CN=commonName} with the given subject
   * alternative names (such as {@code ip:127.0.0.1}, {@code dns:localhost}), valid {@code days} days.
   *
   * @throws IOException when keytool cannot be found or fails, with what it said
   */
  public static void create(Path keystore, char[] password, String commonName, List<String> alternativeNames,
      int days) throws IOException {
    Path keytool = keytool();
    List<String> command = List.of(keytool.toString(), "-genkeypair", "-noprompt", "-keystore", keystore.toString(),
        "-storetype", "PKCS12", "-storepass:env", "TANDEM_KEYSTORE_PASSWORD", "-alias", "tandem", "-keyalg", "EC",
        "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-dname", "CN=" + commonName, "-validity",
        Integer.toString(days), "-ext", "san=" + String.join(",", alternativeNames));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("TANDEM_KEYSTORE_PASSWORD", new String(password));
    Process process = builder.start();
    String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException("keytool could not make a certificate: " + said.strip());
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while keytool made a certificate", e);
    }
  }

  private static Path keytool() throws IOException {
    String java = ProcessHandle.current().info().command().orElse(null);
    if (java != null) {
      Path beside = Path.of(java).resolveSibling("keytool");
      if (Files.isExecutable(beside)) {
        return beside;
      }
    }
    Path home = Path.of(System.getProperty("java.home"), "bin", "keytool");
    if (Files.isExecutable(home)) {
      return home;
    }
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "keytool"))) {
        return Path.of(entry, "keytool");
      }
    }
    throw new IOException("the JDK's keytool was not found beside " + java + " nor on the PATH");
  }
}
