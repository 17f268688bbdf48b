package io.tandem.tls;

import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The one connector of an HTTP server that answers HTTPS only, with a {@link TlsIdentity}: a Javalin server given
 * it through {@code cfg.jetty.addConnector} opens no plain HTTP port. Stateless.
 */
public final class HttpsConnector {
  private HttpsConnector() {}

  /** A connector on {@code host:port} (0: any free port) that answers TLS 1.2 and 1.3 with {@code identity}. */
  public static Connector of(Server server, HttpConfiguration http, TlsIdentity identity, String host, int port) {
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setSslContext(identity.sslContext());
    tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
    HttpConfiguration https = new HttpConfiguration(http);
    https.setSecureScheme("https");
    // Clients reach a recorder by address as often as by name; which name they used is not the server's to police.
    https.addCustomizer(new SecureRequestCustomizer(false));
    ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
        new HttpConnectionFactory(https));
    connector.setHost(host);
    connector.setPort(port);
    return connector;
  }
}
