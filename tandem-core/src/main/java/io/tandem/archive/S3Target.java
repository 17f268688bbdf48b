package io.tandem.archive;

import io.tandem.config.ConfigException;
import io.tandem.tls.TlsTrust;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import javax.net.ssl.TrustManager;

/**
 * One S3 target as a config file names it ({@code archive.s3.NAME.*}): any S3-compatible endpoint, its region and
 * bucket, path-style or virtual-host addressing, static credentials, and the certificates to trust for an https
 * endpoint of a site's own authority. The secret is never shown: not by {@link #toString()}, nor in any error.
 * Immutable, validated when built (a trust file is read then).
 *
 * @param endpoint the endpoint's http or https URL, or null for the region's own AWS endpoint
 * @param pathStyle whether the bucket goes in the path ({@code http://host/bucket/key}) rather than the host name,
 *     which most S3-compatible servers need
 * @param trust a PEM file of the CA (or server) certificates an https endpoint is trusted by, in place of the JDK's
 *     authorities; null for those
 */
public record S3Target(String name, URI endpoint, String region, String bucket, boolean pathStyle, String accessKeyId,
    String secretAccessKey, Path trust) {
  static final String PREFIX = "archive.s3.";

  public S3Target {
    Objects.requireNonNull(name, "name");
    if (!ArchiveTarget.S3_NAME.matcher(name).matches()) {
      throw new ConfigException("'" + PREFIX + name + "' must be named with 1 to 64 letters, digits, '.', '-' or '_', "
          + "such as archive.s3.calls.bucket");
    }
    if (endpoint != null && (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())
        || endpoint.getHost() == null)) {
      throw new ConfigException("'" + key(name, "endpoint") + "' must be an http or https URL such as "
          + "https://s3.example.com:9000, got '" + endpoint + "'");
    }
    if (region == null || !region.matches("[a-z0-9-]{1,32}")) {
      throw new ConfigException("'" + key(name, "region") + "' must be a region name such as us-east-1, got "
          + (region == null ? "nothing" : "'" + region + "'"));
    }
    if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new ConfigException("'" + key(name, "bucket") + "' must be a bucket name of 3 to 63 lower-case letters, "
          + "digits, '.' or '-', got " + (bucket == null ? "nothing" : "'" + bucket + "'"));
    }
    if (accessKeyId == null || accessKeyId.isBlank()) {
      throw new ConfigException("'" + key(name, "accessKeyId") + "' must be the access key id of the target's "
          + "credentials, got nothing");
    }
    if (secretAccessKey == null || secretAccessKey.isEmpty()) {
      throw new ConfigException("'" + key(name, "secretAccessKey") + "' must be the secret of the target's "
          + "credentials, got nothing");
    }
    if (trust != null) {
      if (endpoint == null || !"https".equals(endpoint.getScheme())) {
        throw new ConfigException("'" + key(name, "trust") + "' names certificates to trust over https, but '"
            + key(name, "endpoint") + "' is " + (endpoint == null ? "not set (AWS's own endpoint)" : endpoint));
      }
      TlsTrust.trustManagers(trust, key(name, "trust"));
    }
  }

  /** A target trusting the JDK's authorities. */
  public S3Target(String name, URI endpoint, String region, String bucket, boolean pathStyle, String accessKeyId,
      String secretAccessKey) {
    this(name, endpoint, region, bucket, pathStyle, accessKeyId, secretAccessKey, null);
  }

  /** The trust managers of {@link #trust}, or null for the JDK's. */
  TrustManager[] trustManagers() {
    return trust == null ? null : TlsTrust.trustManagers(trust, key(name, "trust"));
  }

  static String key(String name, String field) {
    return PREFIX + name + "." + field;
  }

  /** Where the target is, for logs and errors. */
  public String describe() {
    return "S3 target " + name + " (bucket " + bucket + " at " + (endpoint == null ? "AWS " + region : endpoint) + ")";
  }

  @Override
  public String toString() {
    return "S3Target[name=" + name + ", endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket
        + ", pathStyle=" + pathStyle + ", accessKeyId=" + accessKeyId + ", secretAccessKey=(hidden)"
        + (trust == null ? "" : ", trust=" + trust) + "]";
  }
}
