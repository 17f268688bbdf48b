package io.tandem.it;

import io.tandem.archive.S3Target;

import java.net.URI;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * An S3-compatible server (s3proxy) in this process, on a free loopback port, over a folder; it keeps no object lock
 * (see {@link CephS3} for one that does). Stop it after use.
 */
final class S3Server implements AutoCloseable {
  static final String ACCESS_KEY = "tandem-test";
  static final String SECRET = "tandem-test-secret-0123456789";

  private final S3Proxy proxy;
  private final FilesystemNio2BlobStore store;

  S3Server(Path folder, String... buckets) throws Exception {
    this(folder, 0, buckets);
  }

  /** On {@code port} (0: any free one), to start a server again where a stopped one was. */
  S3Server(Path folder, int port, String... buckets) throws Exception {
    java.nio.file.Files.createDirectories(folder);
    store = new FilesystemNio2BlobStore(folder.toString());
    for (String bucket : buckets) {
      if (!store.containerExists(bucket)) {
        store.createContainer(bucket);
      }
    }
    proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:" + port))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET)
        .build();
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

  /** The bytes the server keeps for {@code key} in {@code bucket}, read with a plain GET. */
  byte[] object(String bucket, String key) {
    try (var client = software.amazon.awssdk.services.s3.S3Client.builder()
        .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
        .endpointOverride(endpoint()).forcePathStyle(true).region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(ACCESS_KEY, SECRET)))
        .build()) {
      return client.getObjectAsBytes(software.amazon.awssdk.services.s3.model.GetObjectRequest.builder()
          .bucket(bucket).key(key).build()).asByteArray();
    }
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
  }
}
