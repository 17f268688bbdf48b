package io.tandem.archive;

import io.tandem.config.ConfigException;
import io.tandem.config.ConfigFile;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The S3 targets a config file names, by name: {@code archive.s3.NAME.endpoint}, {@code .region} (us-east-1),
 * {@code .bucket}, {@code .pathStyle} (true), {@code .accessKeyId}, {@code .secretAccessKey} and {@code .trust} (a
 * PEM file of the certificates an https endpoint is trusted by; the JDK's authorities when absent). An archive rule
 * names one of them; the recorders and the Manager each name the same targets in their own files. Immutable.
 */
public record S3Targets(Map<String, S3Target> byName) {
  public S3Targets {
    byName = Map.copyOf(byName);
  }

  public static S3Targets none() {
    return new S3Targets(Map.of());
  }

  /** Reads every {@code archive.s3.NAME.*}; a missing or malformed value fails naming its key. */
  public static S3Targets from(ConfigFile file) {
    Map<String, S3Target> targets = new LinkedHashMap<>();
    for (String name : file.namesUnder(S3Target.PREFIX)) {
      String endpoint = file.string(S3Target.key(name, "endpoint"), null);
      String trust = file.string(S3Target.key(name, "trust"), null);
      targets.put(name, new S3Target(name, endpoint == null ? null : endpoint(name, endpoint),
          file.string(S3Target.key(name, "region"), "us-east-1"),
          file.string(S3Target.key(name, "bucket"), null),
          file.bool(S3Target.key(name, "pathStyle"), true),
          file.string(S3Target.key(name, "accessKeyId"), null),
          file.string(S3Target.key(name, "secretAccessKey"), null),
          trust == null ? null : Path.of(trust)));
    }
    return new S3Targets(targets);
  }

  private static URI endpoint(String name, String value) {
    try {
      URI uri = new URI(value);
      if (uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // Falls through to the one error below.
    }
    throw new ConfigException("'" + S3Target.key(name, "endpoint") + "' must be an http or https URL such as "
        + "https://s3.example.com:9000, got '" + value + "'");
  }

  public Optional<S3Target> named(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public boolean isEmpty() {
    return byName.isEmpty();
  }

  @Override
  public String toString() {
    return byName.values().stream().map(S3Target::describe).toList().toString();
  }
}
