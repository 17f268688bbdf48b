package io.tandem.capture.sip;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 made by the JDK's keytool, as a PKCS#12 keystore and as PEM files (the
 * certificate, and the key as PKCS#8), in a test's folder.
 */
record TestCertificate(Path keystore, String password, Path certificatePem, Path keyPem) {
  static TestCertificate make(Path dir, String keyAlgorithm) throws IOException, InterruptedException,
      GeneralSecurityException {
    Path keystore = dir.resolve("sip-" + keyAlgorithm + ".p12");
    String password = "test-only-password";
    Path keytool = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("keytool");
    List<String> command = new java.util.ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-alias", "sip",
        "-keyalg", keyAlgorithm, "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
        "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", password, "-keypass", password));
    if (keyAlgorithm.equals("EC")) {
      command.addAll(List.of("-groupname", "secp256r1"));
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("keytool failed: " + output);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, password.toCharArray());
    }
    Path certificate = Files.writeString(dir.resolve("sip-" + keyAlgorithm + ".pem"),
        pem("CERTIFICATE", store.getCertificate("sip").getEncoded()));
    PrivateKey key = (PrivateKey) store.getKey("sip", password.toCharArray());
    Path keyFile = Files.writeString(dir.resolve("sip-" + keyAlgorithm + ".key"), pem("PRIVATE KEY", key.getEncoded()));
    return new TestCertificate(keystore, password, certificate, keyFile);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
  }
}
