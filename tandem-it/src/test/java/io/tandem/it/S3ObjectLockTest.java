package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.archive.ArchiveRule;
import io.tandem.bench.CephS3;
import io.tandem.archive.ArchiveTarget;
import io.tandem.archive.ArchiveUnavailableException;
import io.tandem.archive.ArchivedCopy;
import io.tandem.archive.ObjectLock;
import io.tandem.archive.S3Archive;
import io.tandem.archive.S3Target;
import io.tandem.call.Inum;
import io.tandem.media.MediaChannel;
import io.tandem.media.MediaFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectLegalHoldResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRetentionResponse;
import software.amazon.awssdk.services.s3.model.ObjectLockLegalHoldStatus;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Object lock as a bucket that keeps it enforces it: the archive's copies under a rule's lock, in a bucket with
 * object lock of Ceph's RADOS Gateway (started by the test, see {@link CephS3}), refuse to be deleted before their
 * date or while under a legal hold, by anyone, and the copy's archive state says what the gateway holds them under.
 */
class S3ObjectLockTest {
  private static final String LOCKED_BUCKET = "locked-calls";
  private static final String PLAIN_BUCKET = "plain-calls";
  private static CephS3 ceph;
  private static S3Client client;

  @TempDir
  Path folder;

  @BeforeAll
  static void startGateway() throws Exception {
    ceph = TestCeph.start();
    client = ceph.client();
    client.createBucket(b -> b.bucket(LOCKED_BUCKET).objectLockEnabledForBucket(true));
    client.createBucket(b -> b.bucket(PLAIN_BUCKET));
  }

  @AfterAll
  static void stopGateway() throws Exception {
    if (client != null) {
      client.close();
    }
    if (ceph != null) {
      ceph.close();
    }
  }

  @Test
  void aComplianceLockRefusesEveryDeleteOfTheCopyBeforeItsDateAndTheCopyStillReplays() throws Exception {
    ArchiveRule rule = rule(LOCKED_BUCKET, new ObjectLock(ObjectLock.RetentionMode.COMPLIANCE, 30, false));
    Path source = media("compliance.wav", 300_000, 7);
    Instant start = Instant.now().minusSeconds(60);
    try (S3Archive archive = archive(LOCKED_BUCKET)) {
      ArchivedCopy copy = archive.copy(source, rule, Inum.of(470_101, 1), start);

      String key = keyOf(copy);
      GetObjectRetentionResponse held = client.getObjectRetention(r -> r.bucket(LOCKED_BUCKET).key(key));
      assertThat(held.retention().mode()).isEqualTo(ObjectLockRetentionMode.COMPLIANCE);
      assertThat(copy.retentionMode()).isEqualTo(ObjectLock.RetentionMode.COMPLIANCE);
      assertThat(copy.retainUntil().truncatedTo(ChronoUnit.SECONDS))
          .isEqualTo(start.plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS));
      assertThat(held.retention().retainUntilDate().truncatedTo(ChronoUnit.SECONDS))
          .isEqualTo(copy.retainUntil().truncatedTo(ChronoUnit.SECONDS));
      String version = onlyVersion(key);

      assertRefused(DeleteObjectRequest.builder().bucket(LOCKED_BUCKET).key(key).versionId(version).build());
      assertRefused(DeleteObjectRequest.builder().bucket(LOCKED_BUCKET).key(key).versionId(version)
          .bypassGovernanceRetention(true).build());
      assertThat(onlyVersion(key)).as("the locked version, after the deletes").isEqualTo(version);
      assertThat(copy.location()).endsWith(".wav?versionId=" + version);

      // A DELETE that names no version is taken: it hides the key behind a delete marker, not the locked version,
      // which the copy's location names.
      client.deleteObject(r -> r.bucket(LOCKED_BUCKET).key(key));
      assertThatThrownBy(() -> client.headObject(r -> r.bucket(LOCKED_BUCKET).key(key)))
          .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(404));
      assertThat(read(archive, copy.location(), 1000, 5000))
          .isEqualTo(Arrays.copyOfRange(Files.readAllBytes(source), 1000, 6000));
    }
  }

  @Test
  void aLongCallGoesUpInPartsUnderTheLockAndReadsBackAcrossAPartsEdge() throws Exception {
    ArchiveRule rule = rule(LOCKED_BUCKET, new ObjectLock(ObjectLock.RetentionMode.COMPLIANCE, 30, false));
    // More than one PUT's 128 MiB: about 73 minutes of a two-channel call.
    Path source = media("open-line.wav", 140_000_000, 11);
    try (S3Archive archive = archive(LOCKED_BUCKET)) {
      ArchivedCopy copy = archive.copy(source, rule, Inum.of(470_101, 8), Instant.now());

      String key = keyOf(copy);
      String version = onlyVersion(key);
      assertThat(copy.retentionMode()).isEqualTo(ObjectLock.RetentionMode.COMPLIANCE);
      assertThat(copy.bytes()).isEqualTo(140_000_000L);
      assertThat(client.headObject(r -> r.bucket(LOCKED_BUCKET).key(key)).eTag()).as("an object put in parts")
          .endsWith("-9\"");
      assertRefused(DeleteObjectRequest.builder().bucket(LOCKED_BUCKET).key(key).versionId(version).build());
      long edge = 16L << 20;
      byte[] expected = new byte[4000];
      try (var in = Files.newInputStream(source)) {
        in.skipNBytes(edge - 2000);
        in.readNBytes(expected, 0, 4000);
      }
      assertThat(read(archive, copy.location(), edge - 2000, 4000)).isEqualTo(expected);
      assertThat(client.listMultipartUploads(r -> r.bucket(LOCKED_BUCKET)).uploads()).as("uploads left open")
          .isEmpty();
    }
  }

  @Test
  void aGovernanceLockRefusesAPlainDeleteUntilItsDateAndTakesItAfter() throws Exception {
    ArchiveRule rule = rule(LOCKED_BUCKET, new ObjectLock(ObjectLock.RetentionMode.GOVERNANCE, 1, false));
    try (S3Archive archive = archive(LOCKED_BUCKET)) {
      ArchivedCopy copy = archive.copy(media("governance.wav", 20_000, 3), rule, Inum.of(470_101, 2),
          Instant.now());
      String key = keyOf(copy);
      String version = onlyVersion(key);
      DeleteObjectRequest delete = DeleteObjectRequest.builder().bucket(LOCKED_BUCKET).key(key).versionId(version)
          .build();
      assertRefused(delete);

      // Only one allowed to bypass governance may bring the date closer: to a few seconds from now.
      Instant soon = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
      client.putObjectRetention(r -> r.bucket(LOCKED_BUCKET).key(key).versionId(version)
          .bypassGovernanceRetention(true).retention(t -> t.mode(ObjectLockRetentionMode.GOVERNANCE)
              .retainUntilDate(soon)));
      assertRefused(delete);
      while (!Instant.now().isAfter(soon.plusSeconds(1))) {
        Thread.sleep(200);
      }

      client.deleteObject(delete);
      assertThat(client.listObjectVersions(r -> r.bucket(LOCKED_BUCKET).prefix(key)).versions()).isEmpty();
    }
  }

  @Test
  void aLegalHoldRefusesEveryDeleteUntilItIsLifted() throws Exception {
    ArchiveRule rule = rule(LOCKED_BUCKET, new ObjectLock(null, 0, true));
    try (S3Archive archive = archive(LOCKED_BUCKET)) {
      ArchivedCopy copy = archive.copy(media("held.wav", 20_000, 5), rule, Inum.of(470_101, 3), Instant.now());
      String key = keyOf(copy);
      String version = onlyVersion(key);
      assertThat(copy.legalHold()).isTrue();
      assertThat(copy.retentionMode()).isNull();
      assertThat(copy.location()).endsWith("?versionId=" + version);
      GetObjectLegalHoldResponse hold = client.getObjectLegalHold(r -> r.bucket(LOCKED_BUCKET).key(key));
      assertThat(hold.legalHold().status()).isEqualTo(ObjectLockLegalHoldStatus.ON);
      DeleteObjectRequest delete = DeleteObjectRequest.builder().bucket(LOCKED_BUCKET).key(key).versionId(version)
          .bypassGovernanceRetention(true).build();
      assertRefused(delete);

      client.putObjectLegalHold(r -> r.bucket(LOCKED_BUCKET).key(key).versionId(version)
          .legalHold(h -> h.status(ObjectLockLegalHoldStatus.OFF)));
      client.deleteObject(delete);
      assertThat(client.listObjectVersions(r -> r.bucket(LOCKED_BUCKET).prefix(key)).versions()).isEmpty();
    }
  }

  @Test
  void aBucketsDefaultRetentionIsInTheCopysStateWhereTheRuleAsksForNoLock() throws Exception {
    String bucket = "default-locked-calls";
    client.createBucket(b -> b.bucket(bucket).objectLockEnabledForBucket(true));
    client.putObjectLockConfiguration(r -> r.bucket(bucket).objectLockConfiguration(c -> c.objectLockEnabled("Enabled")
        .rule(l -> l.defaultRetention(d -> d.mode(ObjectLockRetentionMode.GOVERNANCE).days(2)))));
    Instant before = Instant.now();
    try (S3Archive archive = archive(bucket)) {
      ArchivedCopy copy = archive.copy(media("defaulted.wav", 20_000, 13), rule(bucket, ObjectLock.NONE),
          Inum.of(470_101, 5), before);

      assertThat(copy.retentionMode()).isEqualTo(ObjectLock.RetentionMode.GOVERNANCE);
      assertThat(copy.retainUntil()).isBetween(before.plus(Duration.ofDays(2)).minusSeconds(1),
          Instant.now().plus(Duration.ofDays(2)).plusSeconds(1));
      String key = keyOf(copy);
      var versions = client.listObjectVersions(r -> r.bucket(bucket).prefix(key)).versions();
      assertThat(copy.location()).endsWith("?versionId=" + versions.get(0).versionId());
      String version = versions.get(0).versionId();
      assertThatThrownBy(() -> client.deleteObject(r -> r.bucket(bucket).key(key).versionId(version)))
          .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
    }
  }

  @Test
  void anHttpsGatewayOfTheSitesOwnAuthorityIsTrustedThroughTheTargetsTrustFileAndOnlyThen() throws Exception {
    S3Target trusting = new S3Target("calls", ceph.httpsEndpoint(), "us-east-1", LOCKED_BUCKET, true,
        CephS3.ACCESS_KEY, CephS3.SECRET, TestCertificate.PEM);
    S3Target jdkTrust = new S3Target("calls", ceph.httpsEndpoint(), "us-east-1", LOCKED_BUCKET, true,
        CephS3.ACCESS_KEY, CephS3.SECRET);
    Path source = media("over-tls.wav", 200_000, 17);
    try (S3Archive archive = new S3Archive(trusting, MediaFiles.plain(), Clock.systemUTC())) {
      ArchivedCopy copy = archive.copy(source, rule(LOCKED_BUCKET, ObjectLock.NONE), Inum.of(470_101, 6),
          Instant.now());

      assertThat(read(archive, copy.location(), 150_000, 1000))
          .isEqualTo(Arrays.copyOfRange(Files.readAllBytes(source), 150_000, 151_000));
    }
    try (S3Archive archive = new S3Archive(jdkTrust, MediaFiles.plain(), Clock.systemUTC())) {
      assertThatThrownBy(() -> archive.copy(source, rule(LOCKED_BUCKET, ObjectLock.NONE), Inum.of(470_101, 7),
          Instant.now())).isInstanceOf(ArchiveUnavailableException.class)
          .hasMessageContaining("answers with a certificate this process does not trust")
          .hasMessageContaining("set 'archive.s3.calls.trust' to a PEM file of its CA");
    }
  }

  @Test
  void aLockedRuleOnABucketWithoutObjectLockIsRefusedWithTheGatewaysReason() throws Exception {
    ArchiveRule rule = rule(PLAIN_BUCKET, new ObjectLock(ObjectLock.RetentionMode.COMPLIANCE, 30, true));
    try (S3Archive archive = archive(PLAIN_BUCKET)) {
      assertThatThrownBy(() -> archive.copy(media("unlockable.wav", 20_000, 9), rule, Inum.of(470_101, 4),
          Instant.now())).isInstanceOf(ArchiveUnavailableException.class)
          .hasMessageContaining("call 470101000000004").hasMessageContaining("was refused: HTTP 400");
      assertThat(client.listObjectsV2(r -> r.bucket(PLAIN_BUCKET)).contents()).isEmpty();
    }
  }

  private static void assertRefused(DeleteObjectRequest delete) {
    assertThatThrownBy(() -> client.deleteObject(delete)).as("delete of %s", delete)
        .isInstanceOfSatisfying(S3Exception.class, e -> {
          assertThat(e.statusCode()).isEqualTo(403);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
        });
  }

  private static String onlyVersion(String key) {
    var versions = client.listObjectVersions(r -> r.bucket(LOCKED_BUCKET).prefix(key)).versions();
    assertThat(versions).as("versions of %s", key).hasSize(1);
    return versions.get(0).versionId();
  }

  /** The key of a copy's location, without the version after it. */
  private static String keyOf(ArchivedCopy copy) {
    String path = copy.location().substring("s3:calls/".length());
    int mark = path.indexOf("?versionId=");
    return mark < 0 ? path : path.substring(0, mark);
  }

  private static byte[] read(S3Archive archive, String location, long position, int length) throws IOException {
    try (MediaChannel channel = archive.open(location)) {
      ByteBuffer buffer = ByteBuffer.allocate(length);
      while (buffer.hasRemaining()) {
        int read = channel.read(buffer, position + buffer.position());
        if (read < 0) {
          break;
        }
      }
      return Arrays.copyOf(buffer.array(), buffer.position());
    }
  }

  private static ArchiveRule rule(String bucket, ObjectLock lock) {
    return new ArchiveRule(1, "to " + bucket, null, 0, new ArchiveTarget.S3("calls", "tandem/"), lock, true);
  }

  private S3Archive archive(String bucket) {
    return new S3Archive(ceph.target("calls", bucket), MediaFiles.plain(), Clock.systemUTC());
  }

  private Path media(String name, int size, int seed) throws IOException {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * seed + (i >> 8));
    }
    return Files.write(folder.resolve(name), bytes);
  }
}
