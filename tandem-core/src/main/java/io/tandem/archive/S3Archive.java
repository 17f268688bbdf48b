package io.tandem.archive;

import io.tandem.call.Inum;
import io.tandem.media.MediaChannel;
import io.tandem.media.MediaFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectLockLegalHoldStatus;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * The archive in one S3 target's bucket: copies call media as objects {@code <prefix>yyyy/MM/dd/<inum>.wav} (UTC
 * date of the call's start), whose location is {@code s3:<target>/<key>}, followed by {@code ?versionId=<id>} in a
 * bucket that keeps versions (every bucket with object lock does), and opens them again by that location, reading
 * that very version by ranges as the channel is read: a later version or a delete marker over the key (a plain DELETE
 * in a locked bucket makes one) does not hide the copy. A copy is one PUT, which S3 makes visible whole or not at
 * all (a file over {@link #SINGLE_PUT_BYTES} an upload in parts, each with its MD5, visible once complete); it
 * carries the file's length, SHA-256 and MD5, which the server checks against what it received, and the checksums
 * its answer reports (the ETag, the MD5 of a single PUT; a SHA-256 where the server keeps one) are compared with
 * those sent. The file is stored as it is stored on disk: a sealed one stays sealed, and is first read through to
 * prove that every chunk authenticates. The rule's object lock (retention mode and date, legal hold) goes with the
 * PUT (and is set on the version afterwards where the server did not keep it), and the server is then asked what it
 * holds the version under (also in a bucket that keeps versions when the rule asks for no lock: a bucket with
 * object lock may lock by its own default retention): a server may take the lock headers without acting on them,
 * and a copy it holds under less than the rule asks is not taken (it is tried again, and put again). The copy's
 * archive state records the lock as the server reports it. Idempotent: an object that holds the source's bytes
 * already, under the lock asked, is kept. Every failure of the target (unreachable, refused, a checksum that
 * differs) is an {@link ArchiveUnavailableException}, so the call is archived again later. Thread-safe.
 */
public final class S3Archive implements Archive, AutoCloseable {
  /** The location prefix of S3 copies: {@code s3:<target>/<key>}. */
  public static final String SCHEME = "s3:";
  /**
   * The largest file sent in one PUT (a call of about 70 minutes, two channels); a larger one goes up in parts of
   * {@link #PART_BYTES} (more when it would take more than {@link #MAX_PARTS}), so that a long call (an open line
   * recorded for days) is archived at all, past the 5 GiB one PUT takes, and a broken connection costs one part.
   */
  static final long SINGLE_PUT_BYTES = 128L << 20;
  static final long PART_BYTES = 16L << 20;
  static final int MAX_PARTS = 10_000;
  /** What comes between an object's key and its version in a location. */
  public static final String VERSION_MARK = "?versionId=";
  /** The version id S3 gives objects in a bucket that keeps no versions. */
  private static final String NO_VERSION = "null";
  /** The user metadata field that keeps the copy's SHA-256, hex, as the archive computed it. */
  static final String SHA256_METADATA = "sha256";
  private static final DateTimeFormatter DAY_FOLDER = DateTimeFormatter.ofPattern("yyyy/MM/dd")
      .withZone(ZoneOffset.UTC);
  private static final Set<String> CHECKSUM_REFUSALS = Set.of("BadDigest", "InvalidDigest",
      "XAmzContentSHA256Mismatch", "XAmzContentChecksumMismatch", "BadChecksum", "InvalidChecksum");

  private final S3Target target;
  private final S3Client client;
  private final MediaFiles files;
  private final Clock clock;
  private final long singlePutBytes;
  private final long partBytes;

  /** An archive in {@code target}, opening sealed copies with {@code files}. */
  public S3Archive(S3Target target, MediaFiles files, Clock clock) {
    this(target, files, clock, List.of());
  }

  /** As above; {@code interceptors} see every request and answer (tests alter them in flight). */
  S3Archive(S3Target target, MediaFiles files, Clock clock, List<ExecutionInterceptor> interceptors) {
    this(target, files, clock, interceptors, SINGLE_PUT_BYTES, PART_BYTES);
  }

  /** As above, files larger than {@code singlePutBytes} going up in parts of at least {@code partBytes}. */
  S3Archive(S3Target target, MediaFiles files, Clock clock, List<ExecutionInterceptor> interceptors,
      long singlePutBytes, long partBytes) {
    this.target = Objects.requireNonNull(target, "target");
    this.files = Objects.requireNonNull(files, "files");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.singlePutBytes = singlePutBytes;
    this.partBytes = partBytes;
    this.client = client(target, interceptors);
  }

  private static S3Client client(S3Target target, List<ExecutionInterceptor> interceptors) {
    TrustManager[] trust = target.trustManagers();
    UrlConnectionHttpClient.Builder http = UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
        .socketTimeout(Duration.ofSeconds(30));
    if (trust != null) {
      http.tlsTrustManagersProvider(() -> trust);
    }
    S3ClientBuilder builder = S3Client.builder()
        .httpClientBuilder(http)
        .region(Region.of(target.region()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(target.accessKeyId(), target.secretAccessKey())))
        .forcePathStyle(target.pathStyle())
        // The archive sends its own SHA-256 with each PUT; answers to ranged GETs carry no whole-object checksum.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .overrideConfiguration(o -> o.executionInterceptors(List.copyOf(interceptors))
            .apiCallTimeout(Duration.ofMinutes(10)));
    if (target.endpoint() != null) {
      builder.endpointOverride(target.endpoint());
    }
    return builder.build();
  }

  public S3Target target() {
    return target;
  }

  @Override
  public ArchivedCopy copy(Path source, ArchiveRule rule, Inum inum, Instant start) throws IOException {
    if (!(rule.target() instanceof ArchiveTarget.S3 s3) || !s3.name().equals(target.name())) {
      throw new IllegalArgumentException("archive rule '" + rule.name() + "' names " + rule.target() + ", not "
          + target.describe());
    }
    if (!Files.isRegularFile(source)) {
      throw new NoSuchFileException(source.toString(), null, "no media file to archive for call " + inum);
    }
    String key = s3.prefix() + DAY_FOLDER.format(start) + "/" + inum + ".wav";
    Sums sums = Sums.of(source);
    if (MediaFiles.isSealed(source)) {
      files.verify(source);
    }
    ObjectLock lock = rule.lock();
    Instant retainUntil = lock.retainUntil(start, clock.instant());
    String where = "call " + inum + " to " + target.describe() + " as " + key;
    Optional<HeadObjectResponse> existing = head(key, null, where);
    if (existing.isPresent() && holds(existing.get(), sums) && lockTrouble(existing.get(), lock, retainUntil) == null) {
      return copyOf(key, sums, existing.get());
    }
    Stored stored = sums.bytes() > singlePutBytes ? putInParts(source, key, sums, lock, retainUntil, where)
        : put(source, key, sums, lock, retainUntil, where);
    String mismatch = mismatch(stored.eTag(), stored.checksumSHA256(), sums);
    if (mismatch != null) {
      throw new ArchiveUnavailableException("the upload of " + where + " was taken, but " + mismatch);
    }
    String version = stored.versionId();
    if (retainUntil == null && !lock.legalHold() && !versioned(version)) {
      return new ArchivedCopy(location(key, version), sums.sha256Hex(), sums.bytes());
    }
    // A server may take the lock headers without acting on them (a bucket without object lock, on some servers),
    // and a bucket with object lock (always one that keeps versions) may lock by its own default retention where the
    // rule asks for none: the copy's state says only what the server reports holding the version under.
    HeadObjectResponse locked = head(key, version, where).orElseThrow(() -> new ArchiveUnavailableException(
        "the upload of " + where + " was taken, but the target then reports no such object"));
    String trouble = lockTrouble(locked, lock, retainUntil);
    if (trouble != null) {
      // Some servers keep a lock asked with a single PUT but not one asked when an upload in parts begins (Ceph's
      // gateway 16.2): the lock is then set on the version itself, and the server asked again.
      String refused = lockVersion(key, version, lock, retainUntil);
      if (refused != null) {
        throw new ArchiveUnavailableException("the upload of " + where + " was taken, but " + trouble
            + " (setting the lock on the version was refused too: " + refused + ")");
      }
      locked = head(key, version, where).orElseThrow(() -> new ArchiveUnavailableException(
          "the upload of " + where + " was taken, but the target then reports no such object"));
      trouble = lockTrouble(locked, lock, retainUntil);
      if (trouble != null) {
        throw new ArchiveUnavailableException("the upload of " + where + " was taken, but " + trouble
            + " (also after the lock was set on the version)");
      }
    }
    return copyOf(key, sums, locked);
  }

  /** The copy as the server reports it: its version, the retention and legal hold it holds it under. */
  private ArchivedCopy copyOf(String key, Sums sums, HeadObjectResponse stored) {
    ObjectLock.RetentionMode mode = modeOf(stored);
    Instant until = mode == null ? null : stored.objectLockRetainUntilDate();
    boolean legalHold = stored.objectLockLegalHoldStatus() == ObjectLockLegalHoldStatus.ON;
    return new ArchivedCopy(location(key, stored.versionId()), sums.sha256Hex(), sums.bytes(), mode, until, legalHold);
  }

  /**
   * How the lock the server reports for an object falls short of the rule's (a retention until {@code retainUntil},
   * a legal hold), or null when it does not. A server keeps retention dates to the second at least.
   */
  private String lockTrouble(HeadObjectResponse stored, ObjectLock lock, Instant retainUntil) {
    if (retainUntil != null) {
      ObjectLock.RetentionMode mode = modeOf(stored);
      if (mode == null && stored.objectLockModeAsString() != null && stored.objectLockRetainUntilDate() != null) {
        return "the target reports retention mode '" + stored.objectLockModeAsString() + "', neither GOVERNANCE nor "
            + "COMPLIANCE";
      }
      if (mode == null) {
        return "the target holds it under no retention (" + lock.mode() + " until " + retainUntil + " asked): "
            + "is object lock enabled on bucket " + target.bucket() + "?";
      }
      if (lock.mode() == ObjectLock.RetentionMode.COMPLIANCE && mode != ObjectLock.RetentionMode.COMPLIANCE) {
        return "the target holds it in " + mode + " mode, not COMPLIANCE";
      }
      if (stored.objectLockRetainUntilDate().isBefore(retainUntil.truncatedTo(ChronoUnit.SECONDS))) {
        return "the target retains it only until " + stored.objectLockRetainUntilDate() + ", not " + retainUntil;
      }
    }
    if (lock.legalHold() && stored.objectLockLegalHoldStatus() != ObjectLockLegalHoldStatus.ON) {
      return "the target holds it under no legal hold: is object lock enabled on bucket " + target.bucket() + "?";
    }
    return null;
  }

  /** Sets the rule's retention and legal hold on the version; why the server refused, or null when it took them. */
  private String lockVersion(String key, String version, ObjectLock lock, Instant retainUntil) {
    try {
      if (retainUntil != null) {
        client.putObjectRetention(r -> r.bucket(target.bucket()).key(key).versionId(version)
            .retention(t -> t.mode(ObjectLockRetentionMode.fromValue(lock.mode().name()))
                .retainUntilDate(retainUntil)));
      }
      if (lock.legalHold()) {
        client.putObjectLegalHold(r -> r.bucket(target.bucket()).key(key).versionId(version)
            .legalHold(h -> h.status(ObjectLockLegalHoldStatus.ON)));
      }
      return null;
    } catch (S3Exception e) {
      return refusal(e);
    } catch (SdkException e) {
      return unreachable(e);
    }
  }

  /** The retention mode the server reports, with its date; null for none, or for a mode it names that S3 has not. */
  private static ObjectLock.RetentionMode modeOf(HeadObjectResponse stored) {
    String mode = stored.objectLockModeAsString();
    if (mode == null || stored.objectLockRetainUntilDate() == null) {
      return null;
    }
    try {
      return ObjectLock.RetentionMode.valueOf(mode.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** {@code s3:<target>/<key>}, and {@code ?versionId=<id>} after it when the bucket keeps versions. */
  private String location(String key, String version) {
    String location = SCHEME + target.name() + "/" + key;
    return versioned(version) ? location + VERSION_MARK + version : location;
  }

  /** Whether an upload's answer names a version of its own: the bucket keeps versions. */
  private static boolean versioned(String version) {
    return version != null && !version.isEmpty() && !version.equals(NO_VERSION);
  }

  /** What the server answered for an upload: the ETag and SHA-256 it reports (each null when none), the version. */
  private record Stored(String eTag, String checksumSHA256, String versionId) {}

  /** Puts the file under {@code key} with its checksums and lock; the server's answer says what it stored. */
  private Stored put(Path source, String key, Sums sums, ObjectLock lock, Instant retainUntil,
      String where) throws ArchiveUnavailableException {
    PutObjectRequest.Builder put = PutObjectRequest.builder().bucket(target.bucket()).key(key)
        .contentType("audio/wav").contentLength(sums.bytes())
        .contentMD5(Base64.getEncoder().encodeToString(sums.md5()))
        .checksumSHA256(Base64.getEncoder().encodeToString(sums.sha256()))
        .metadata(Map.of(SHA256_METADATA, sums.sha256Hex()));
    if (retainUntil != null) {
      put.objectLockMode(ObjectLockMode.fromValue(lock.mode().name())).objectLockRetainUntilDate(retainUntil);
    }
    if (lock.legalHold()) {
      put.objectLockLegalHoldStatus(ObjectLockLegalHoldStatus.ON);
    }
    try {
      PutObjectResponse answer = client.putObject(put.build(), RequestBody.fromFile(source));
      return new Stored(answer.eTag(), answer.checksumSHA256(), answer.versionId());
    } catch (SdkException e) {
      throw uploadFailed(where, e);
    }
  }

  /** The upload's failure as the archive reports it: a checksum refused, another refusal, or no answer. */
  private ArchiveUnavailableException uploadFailed(String where, SdkException e) {
    if (!(e instanceof S3Exception refused)) {
      return new ArchiveUnavailableException("the upload of " + where + " failed: " + unreachable(e), e);
    }
    String code = refused.awsErrorDetails() == null ? null : refused.awsErrorDetails().errorCode();
    if (code != null && CHECKSUM_REFUSALS.contains(code)) {
      return new ArchiveUnavailableException("the upload of " + where + " was refused: what the target received "
          + "does not match the checksum sent (" + code + ")", e);
    }
    return new ArchiveUnavailableException("the upload of " + where + " was refused: " + refusal(refused), e);
  }

  /**
   * Puts the file under {@code key} in parts, each with its MD5, which the server checks, under the object's metadata
   * and lock; the ETag the server reports for the whole is compared with the one its parts make (the MD5 of their
   * MD5s, and their count). A failed upload is aborted, so that no part is left stored.
   */
  private Stored putInParts(Path source, String key, Sums sums, ObjectLock lock, Instant retainUntil, String where)
      throws ArchiveUnavailableException, IOException {
    long size = Math.max(partBytes, (sums.bytes() + MAX_PARTS - 1) / MAX_PARTS);
    CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder().bucket(target.bucket())
        .key(key).contentType("audio/wav").metadata(Map.of(SHA256_METADATA, sums.sha256Hex()));
    if (retainUntil != null) {
      create.objectLockMode(ObjectLockMode.fromValue(lock.mode().name())).objectLockRetainUntilDate(retainUntil);
    }
    if (lock.legalHold()) {
      create.objectLockLegalHoldStatus(ObjectLockLegalHoldStatus.ON);
    }
    String upload;
    try {
      upload = client.createMultipartUpload(create.build()).uploadId();
    } catch (SdkException e) {
      throw uploadFailed(where, e);
    }
    boolean completed = false;
    try (FileChannel file = FileChannel.open(source, StandardOpenOption.READ)) {
      List<CompletedPart> parts = new ArrayList<>();
      MessageDigest partSums = Sums.digest("MD5");
      MessageDigest sent = Sums.digest("SHA-256");
      byte[] buffer = new byte[(int) Math.min(size, sums.bytes())];
      for (long at = 0; at < sums.bytes(); at += size) {
        int length = (int) Math.min(size, sums.bytes() - at);
        ByteBuffer into = ByteBuffer.wrap(buffer, 0, length);
        while (into.hasRemaining()) {
          if (file.read(into, at + into.position()) < 0) {
            throw new IOException(source + " ended at " + (at + into.position()) + " of its " + sums.bytes()
                + " bytes while it was archived");
          }
        }
        MessageDigest md5 = Sums.digest("MD5");
        md5.update(buffer, 0, length);
        sent.update(buffer, 0, length);
        byte[] partMd5 = md5.digest();
        partSums.update(partMd5);
        int number = parts.size() + 1;
        String eTag = client.uploadPart(UploadPartRequest.builder().bucket(target.bucket()).key(key)
            .uploadId(upload).partNumber(number).contentLength((long) length)
            .contentMD5(Base64.getEncoder().encodeToString(partMd5)).build(),
            RequestBody.fromByteBuffer(ByteBuffer.wrap(buffer, 0, length))).eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(eTag).build());
      }
      if (!MessageDigest.isEqual(sent.digest(), sums.sha256())) {
        throw new ArchiveUnavailableException("the upload of " + where + " was aborted: " + source
            + " changed while it was archived (its parts' SHA-256 differs from the file's)");
      }
      CompleteMultipartUploadResponse answer = client.completeMultipartUpload(b -> b.bucket(target.bucket())
          .key(key).uploadId(upload).multipartUpload(m -> m.parts(parts)));
      completed = true;
      String expected = HexFormat.of().formatHex(partSums.digest()) + "-" + parts.size();
      String reported = answer.eTag() == null ? "" : answer.eTag().replace("\"", "");
      if (reported.matches("[0-9a-fA-F]{32}-[0-9]+") && !reported.equalsIgnoreCase(expected)) {
        throw new ArchiveUnavailableException("the upload of " + where + " was taken, but the target reports the "
            + "parts' ETag " + reported + ", not the " + expected + " of the parts sent");
      }
      return new Stored(null, answer.checksumSHA256(), answer.versionId());
    } catch (SdkException e) {
      throw uploadFailed(where, e);
    } finally {
      if (!completed) {
        abort(key, upload);
      }
    }
  }

  /** Aborts an upload in parts, so that the server keeps none of them; a failure to is left to the bucket. */
  private void abort(String key, String upload) {
    try {
      client.abortMultipartUpload(b -> b.bucket(target.bucket()).key(key).uploadId(upload));
    } catch (SdkException e) {
      // The bucket's own lifecycle (AbortIncompleteMultipartUpload) clears what is left.
    }
  }

  /** The object at {@code key} (its {@code version}, or the latest when null), or empty when there is none. */
  private Optional<HeadObjectResponse> head(String key, String version, String where)
      throws ArchiveUnavailableException {
    try {
      return Optional.of(client.headObject(HeadObjectRequest.builder().bucket(target.bucket()).key(key)
          .versionId(version).checksumMode(ChecksumMode.ENABLED).build()));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw new ArchiveUnavailableException("cannot look for " + where + ": " + refusal(e), e);
    } catch (SdkException e) {
      throw new ArchiveUnavailableException("cannot look for " + where + ": " + unreachable(e), e);
    }
  }

  /** Whether the object found holds the source's bytes: its length, its recorded SHA-256, its checksums. */
  private static boolean holds(HeadObjectResponse stored, Sums sums) {
    return stored.contentLength() != null && stored.contentLength() == sums.bytes()
        && sums.sha256Hex().equals(stored.metadata().get(SHA256_METADATA))
        && mismatch(stored.eTag(), stored.checksumSHA256(), sums) == null;
  }

  /**
   * How the checksums a server reports for an object (its SHA-256 when it keeps one, its ETag) differ from those
   * of what was sent, or null when they do not.
   */
  private static String mismatch(String reportedEtag, String reportedSha256, Sums sums) {
    String sha = Base64.getEncoder().encodeToString(sums.sha256());
    if (reportedSha256 != null && !reportedSha256.equals(sha)) {
      return "the target reports SHA-256 " + reportedSha256 + ", not the " + sha + " sent";
    }
    String etag = reportedEtag == null ? "" : reportedEtag.replace("\"", "");
    // A single PUT's ETag is the MD5 of the bytes, unless the server encrypts them with its own keys.
    if (etag.matches("[0-9a-fA-F]{32}") && !etag.equalsIgnoreCase(HexFormat.of().formatHex(sums.md5()))) {
      return "the target reports MD5 " + etag + ", not the " + HexFormat.of().formatHex(sums.md5()) + " sent";
    }
    return null;
  }

  @Override
  public MediaChannel open(String location) throws IOException {
    String path = pathOf(location);
    int mark = path.lastIndexOf(VERSION_MARK);
    boolean versioned = mark > 0 && path.startsWith(".wav", mark - ".wav".length());
    String key = versioned ? path.substring(0, mark) : path;
    String version = versioned ? path.substring(mark + VERSION_MARK.length()) : null;
    String where = "archived copy " + location + " in " + target.describe();
    S3ObjectChannel channel;
    try {
      channel = S3ObjectChannel.open(client, target.bucket(), key, version, where);
    } catch (S3Exception e) {
      throw new ArchiveUnreachableException(e.statusCode() == 404 ? "no " + where
          : where + " cannot be read: " + refusal(e));
    } catch (SdkException e) {
      throw new ArchiveUnreachableException(where + " cannot be reached: " + unreachable(e));
    }
    return files.open(channel, Path.of(location));
  }

  /** The key of an S3 location of this target, with its version mark when it has one. */
  private String pathOf(String location) throws ArchiveUnreachableException {
    String prefix = SCHEME + target.name() + "/";
    if (!location.startsWith(prefix) || location.length() == prefix.length()) {
      throw new ArchiveUnreachableException("'" + location + "' is not a location in " + target.describe());
    }
    return location.substring(prefix.length());
  }

  private static String refusal(S3Exception e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
    return "HTTP " + e.statusCode() + (code == null ? "" : " " + code) + (message == null ? "" : ": " + message);
  }

  private String unreachable(SdkException e) {
    String reason = e instanceof SdkClientException && e.getCause() != null ? e.getCause().toString() : e.getMessage();
    String endpoint = "the endpoint " + (target.endpoint() == null ? "of AWS " + target.region() : target.endpoint());
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof SSLHandshakeException) {
        return endpoint + " answers with a certificate this process does not trust (" + cause.getMessage() + "): "
            + (target.trust() == null ? "set '" + S3Target.key(target.name(), "trust") + "' to a PEM file of its CA"
            : "'" + S3Target.key(target.name(), "trust") + "' (" + target.trust() + ") does not name its CA");
      }
    }
    return endpoint + " does not answer (" + reason + ")";
  }

  @Override
  public void close() {
    client.close();
  }

  /** A file's length, SHA-256 and MD5, read in one pass. */
  record Sums(long bytes, byte[] sha256, byte[] md5) {
    static Sums of(Path file) throws IOException {
      MessageDigest sha = digest("SHA-256");
      MessageDigest md5 = digest("MD5");
      byte[] buffer = new byte[64 * 1024];
      long bytes = 0;
      try (InputStream in = Files.newInputStream(file)) {
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
          sha.update(buffer, 0, read);
          md5.update(buffer, 0, read);
          bytes += read;
        }
      }
      return new Sums(bytes, sha.digest(), md5.digest());
    }

    String sha256Hex() {
      return HexFormat.of().formatHex(sha256);
    }

    static MessageDigest digest(String algorithm) {
      try {
        return MessageDigest.getInstance(algorithm);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java runtime provides " + algorithm, e);
      }
    }
  }
}
