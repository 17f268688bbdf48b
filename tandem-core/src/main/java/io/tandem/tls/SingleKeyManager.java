package io.tandem.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The key manager of a server with one certificate chain and its key, held as they were read: no keystore in
 * between, so no password-based key derivation runs when a process starts. Immutable and thread-safe.
 */
final class SingleKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "tandem";

  private final PrivateKey key;
  private final X509Certificate[] chain;

  SingleKeyManager(PrivateKey key, X509Certificate[] chain) {
    this.key = key;
    this.chain = chain.clone();
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[] {ALIAS};
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return matches(keyType) ? ALIAS : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return matches(keyType) ? ALIAS : null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[0];
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }

  /** Whether the key can serve a handshake that asks for {@code keyType} (such as EC, RSA, EdDSA). */
  private boolean matches(String keyType) {
    String algorithm = key.getAlgorithm();
    return keyType == null || keyType.equalsIgnoreCase(algorithm)
        || keyType.equalsIgnoreCase("EdDSA") && algorithm.startsWith("Ed")
        || keyType.equalsIgnoreCase("RSASSA-PSS") && algorithm.equals("RSA");
  }
}
