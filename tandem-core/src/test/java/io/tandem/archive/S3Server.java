package io.tandem.archive;

import java.net.URI;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/** An S3-compatible server (s3proxy) in this process, on a free loopback port, over a folder. Stop it after use. */
final class S3Server implements AutoCloseable {
  static final String ACCESS_KEY = "tandem-test";
  static final String SECRET = "tandem-test-secret-0123456789";

  private final S3Proxy proxy;
  private final FilesystemNio2BlobStore store;

  S3Server(Path folder, String... buckets) throws Exception {
    this(folder, false, buckets);
  }

  /**
   * {@code ignoreUnknownHeaders}: takes headers of functions s3proxy lacks (object lock) without acting on them, as
   * if it implemented them; otherwise it refuses them with 501.
   */
  S3Server(Path folder, boolean ignoreUnknownHeaders, String... buckets) throws Exception {
    java.nio.file.Files.createDirectories(folder);
    store = new FilesystemNio2BlobStore(folder.toString());
    for (String bucket : buckets) {
      store.createContainer(bucket);
    }
    proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET)
        .ignoreUnknownHeaders(ignoreUnknownHeaders).build();
    proxy.start();
    while (!proxy.getState().equals("STARTED")) {
      Thread.onSpinWait();
    }
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  /** A target named {@code name} on this server's {@code bucket}, path-style. */
  S3Target target(String name, String bucket) {
    return new S3Target(name, endpoint(), "us-east-1", bucket, true, ACCESS_KEY, SECRET);
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
  }
}
