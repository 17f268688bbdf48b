package io.tandem.bench;

import io.tandem.archive.ArchiveRule;
import io.tandem.archive.ArchiveTarget;
import io.tandem.archive.FilesystemArchive;
import io.tandem.archive.ObjectLock;
import io.tandem.archive.S3Archive;
import io.tandem.archive.S3Target;
import io.tandem.archive.Archive;
import io.tandem.call.Inum;
import io.tandem.media.MediaFiles;
import io.tandem.media.sealed.MediaKeys;
import io.tandem.replay.FileAnswer;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The S3 archive target against the bare server, in one run: (1) archive throughput, the archive's copies of N call
 * files (checksums, HEAD before each PUT, sealed chunks checked) against raw PUTs of the same files to the same
 * server, rounds alternating; (2) replay's first byte of a Range from the middle of an S3 copy against the same copy
 * in a folder, both through the Archive interface and the answer replay sends (one open sizes and sends it), copies
 * sealed at rest. Medians over the rounds. The server is s3proxy over a folder in this process, or with {@code --ceph}
 * Ceph's RADOS Gateway ({@link CephS3}, processes of their own) in a bucket with object lock: the archive's rule then
 * locks each copy (COMPLIANCE, one day), which adds a HEAD of the new version after each PUT, and the raw PUTs carry
 * the same lock and an MD5.
 *
 * <pre>bench/run s3 [--files N] [--minutes M] [--rounds R] [--ceph]</pre>
 * Defaults: 20 files of a 2-minute two-channel 8 kHz call (3.84 MB each), 9 rounds; 200 first-byte rounds.
 */
public final class S3ArchiveBench {
  private static final String KEY = "bench";
  private static final String SECRET = "bench-secret-0123456789";

  public static void main(String[] args) throws Exception {
    int files = 20;
    int minutes = 2;
    int rounds = 9;
    boolean ceph = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--files" -> files = Integer.parseInt(value(args, ++i));
        case "--minutes" -> minutes = Integer.parseInt(value(args, ++i));
        case "--rounds" -> rounds = Integer.parseInt(value(args, ++i));
        case "--ceph" -> ceph = true;
        default -> usage();
      }
    }
    Path dir = Files.createTempDirectory("s3-bench");
    S3Proxy proxy = null;
    CephS3 gateway = null;
    URI endpoint;
    String key;
    String secret;
    if (ceph) {
      gateway = CephS3.start();
      endpoint = gateway.endpoint();
      key = CephS3.ACCESS_KEY;
      secret = CephS3.SECRET;
    } else {
      Files.createDirectories(dir.resolve("server"));
      FilesystemNio2BlobStore store = new FilesystemNio2BlobStore(dir.resolve("server").toString());
      store.createContainer("calls");
      proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:0"))
          .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, KEY, SECRET).build();
      proxy.start();
      while (!proxy.getState().equals("STARTED")) {
        Thread.onSpinWait();
      }
      endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
      key = KEY;
      secret = SECRET;
    }
    try {
      run(dir, endpoint, key, secret, ceph, files, minutes, rounds);
    } finally {
      if (proxy != null) {
        proxy.stop();
      }
      if (gateway != null) {
        gateway.close();
      }
      // The call files, the folder copies and s3proxy's objects: hundreds of MB for long calls.
      try (java.util.stream.Stream<Path> left = Files.walk(dir)) {
        for (Path file : left.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      usage();
    }
    return args[i];
  }

  private static void usage() {
    System.err.println("usage: S3ArchiveBench [--files N] [--minutes M] [--rounds R] [--ceph]");
    System.exit(2);
  }

  private static void run(Path dir, URI endpoint, String accessKey, String secret, boolean locked, int files,
      int minutes, int rounds) throws Exception {
    MediaFiles sealing = MediaFiles.of(MediaKeys.generate(), true);
    MediaFiles reading = MediaFiles.of(sealing.keys(), false);
    long bytesEach = minutes * 60L * 8000 * 2 * 2;
    List<Path> sources = new ArrayList<>();
    for (int f = 0; f < files; f++) {
      Path file = dir.resolve("call-" + f + ".wav");
      write(sealing, file, bytesEach, f);
      sources.add(file);
    }
    long total = 0;
    for (Path source : sources) {
      total += Files.size(source);
    }
    System.out.printf("S3 archive: %d sealed files of %d bytes (%.1f MB in all), %d rounds, %s, load average %s%n",
        files, Files.size(sources.get(0)), total / 1e6, rounds, locked
            ? "Ceph's RADOS Gateway (one OSD in memory), object lock COMPLIANCE" : "s3proxy in process",
        Files.readString(Path.of("/proc/loadavg")).strip());
    S3Target target = new S3Target("calls", endpoint, "us-east-1", "calls", true, accessKey, secret);
    ObjectLock lock = locked ? new ObjectLock(ObjectLock.RetentionMode.COMPLIANCE, 1, false) : ObjectLock.NONE;
    ArchiveRule rule = new ArchiveRule(1, "bench", null, 0, new ArchiveTarget.S3("calls", "archive/"), lock, true);
    // Now: a retention counted from a start long past would be over, and left off.
    Instant start = Instant.now();
    List<String> md5s = new ArrayList<>();
    for (Path source : sources) {
      md5s.add(Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(source))));
    }
    try (S3Archive archive = new S3Archive(target, reading, Clock.systemUTC());
        S3Client raw = client(endpoint, accessKey, secret)) {
      if (locked) {
        raw.createBucket(b -> b.bucket("calls").objectLockEnabledForBucket(true));
      }
      double[] archived = new double[rounds];
      double[] put = new double[rounds];
      for (int r = 0; r < rounds + 1; r++) {
        long t0 = System.nanoTime();
        for (int f = 0; f < files; f++) {
          archive.copy(sources.get(f), rule, Inum.of(100001, r * 1000L + f + 1), start);
        }
        long t1 = System.nanoTime();
        for (int f = 0; f < files; f++) {
          PutObjectRequest.Builder request = PutObjectRequest.builder().bucket("calls")
              .key("raw/" + r + "/" + f + ".wav");
          if (locked) {
            request.contentMD5(md5s.get(f)).objectLockMode(ObjectLockMode.COMPLIANCE)
                .objectLockRetainUntilDate(start.plus(Duration.ofDays(1)));
          }
          raw.putObject(request.build(), RequestBody.fromFile(sources.get(f)));
        }
        long t2 = System.nanoTime();
        // The first round warms both paths up and is not counted.
        if (r > 0) {
          archived[r - 1] = total / 1e6 / ((t1 - t0) / 1e9);
          put[r - 1] = total / 1e6 / ((t2 - t1) / 1e9);
        }
      }
      System.out.printf("  archive copy  median %7.1f MB/s%n", median(archived));
      System.out.printf("  raw PUT       median %7.1f MB/s   archive / raw PUT: %.2f%n", median(put),
          median(archived) / median(put));

      FilesystemArchive folders = new FilesystemArchive(reading);
      Inum inum = Inum.of(100001, 999_999);
      String s3Location = archive.copy(sources.get(0), rule, inum, start).location();
      String folderLocation = folders.copy(sources.get(0), dir.resolve("folder-archive"), inum, start).location();
      long plainSize;
      try (var channel = reading.open(sources.get(0), false)) {
        plainSize = channel.size();
      }
      String range = "bytes=" + plainSize / 2 + "-" + (plainSize / 2 + 64 * 1024 - 1);
      int firstRounds = 200;
      double[] fromS3 = new double[firstRounds];
      double[] fromFolder = new double[firstRounds];
      double[] rawGet = new double[firstRounds];
      String path = s3Location.substring("s3:calls/".length());
      int mark = path.indexOf(S3Archive.VERSION_MARK);
      String key = mark < 0 ? path : path.substring(0, mark);
      String version = mark < 0 ? null : path.substring(mark + S3Archive.VERSION_MARK.length());
      for (int r = 0; r < firstRounds + 20; r++) {
        double s3 = firstByte(archive, s3Location, range);
        double folder = firstByte(folders, folderLocation, range);
        double direct = rawFirstByte(raw, key, version, range);
        if (r >= 20) {
          fromS3[r - 20] = s3;
          fromFolder[r - 20] = folder;
          rawGet[r - 20] = direct;
        }
      }
      System.out.printf("replay first byte of %s, sealed copy, %d rounds:%n", range, firstRounds);
      System.out.printf("  folder copy   median %7.3f ms%n", median(fromFolder));
      System.out.printf("  S3 copy       median %7.3f ms   S3 / folder: %.2f%n", median(fromS3),
          median(fromS3) / median(fromFolder));
      System.out.printf("  raw GET of the same stored bytes, one request: median %7.3f ms   S3 copy / raw GET: %.2f%n",
          median(rawGet), median(fromS3) / median(rawGet));
    }
  }

  /** Milliseconds from asking for a range of the copy at {@code location} to its first byte written out. */
  private static double firstByte(Archive archive, String location, String range) throws Exception {
    long t0 = System.nanoTime();
    long[] first = {0};
    try (var channel = archive.open(location)) {
      writeFirst(FileAnswer.ofOpen(channel, location, range), first);
    }
    return (first[0] - t0) / 1e6;
  }

  /** Milliseconds from a plain ranged GET of the stored object to its first byte. */
  private static double rawFirstByte(S3Client raw, String key, String version, String range) throws Exception {
    long t0 = System.nanoTime();
    try (var in = raw.getObject(software.amazon.awssdk.services.s3.model.GetObjectRequest.builder().bucket("calls")
        .key(key).versionId(version).range(range).build())) {
      in.read();
      long first = System.nanoTime();
      in.readAllBytes();
      return (first - t0) / 1e6;
    }
  }

  /** Writes the answer, noting when its first byte goes out. */
  private static void writeFirst(FileAnswer answer, long[] first) throws Exception {
    answer.writeTo(new OutputStream() {
      @Override
      public void write(int b) {
        mark();
      }

      @Override
      public void write(byte[] b, int off, int len) {
        mark();
      }

      private void mark() {
        if (first[0] == 0) {
          first[0] = System.nanoTime();
        }
      }
    });
  }

  private static S3Client client(URI endpoint, String accessKey, String secret) {
    return S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(endpoint)
        .forcePathStyle(true).region(Region.US_EAST_1)
        // As the archive's client: no checksum trailer of the SDK's own, which Ceph's gateway (16.2) refuses.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret))).build();
  }

  private static void write(MediaFiles files, Path wav, long dataBytes, int seed) throws Exception {
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = files.newOutputStream(wav)) {
      for (long done = 0; done < dataBytes; done += block.length) {
        for (int i = 0; i < block.length; i++) {
          block[i] = (byte) ((done + i) * (seed + 3) >> 3);
        }
        out.write(block, 0, (int) Math.min(block.length, dataBytes - done));
      }
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
