package io.tandem.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.Inum;
import io.tandem.media.MediaChannel;
import io.tandem.media.MediaFiles;
import io.tandem.media.sealed.MediaKeys;
import io.tandem.media.sealed.SealedMediaException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

class S3ArchiveTest {
  private static final Inum INUM = Inum.of(123456, 42);
  private static final Instant START = Instant.parse("2026-11-26T23:59:59Z");
  private static final Instant NOW = Instant.parse("2026-11-27T00:10:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final ArchiveRule RULE = new ArchiveRule(1, "to s3", null, 0,
      new ArchiveTarget.S3("calls", "tandem/"), ObjectLock.NONE, true);

  private static final ArchiveRule LOCKED = new ArchiveRule(2, "locked", null, 0,
      new ArchiveTarget.S3("calls", "locked/"), new ObjectLock(ObjectLock.RetentionMode.COMPLIANCE, 30, true), true);

  @TempDir
  static Path serverFolder;
  @TempDir
  Path folder;
  private static S3Server server;
  private final List<SdkHttpRequest> requests = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startServer() throws Exception {
    server = new S3Server(serverFolder, "calls-bucket");
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  /** Records every request as sent, after any change the other interceptors made. */
  private final ExecutionInterceptor recorder = new ExecutionInterceptor() {
    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      requests.add(context.httpRequest());
    }
  };

  private S3Archive archive(MediaFiles files, ExecutionInterceptor... more) {
    List<ExecutionInterceptor> all = new java.util.ArrayList<>(List.of(more));
    all.add(recorder);
    return new S3Archive(server.target("calls", "calls-bucket"), files, CLOCK, all);
  }

  @Test
  void copyStoresTheFileAsItIsUnderTheRulePrefixAndDateWithItsChecksum() throws IOException {
    Path source = media("source.wav", 200_000, 7);
    try (S3Archive archive = archive(MediaFiles.plain())) {
      ArchivedCopy copy = archive.copy(source, RULE, INUM, START);

      assertThat(copy.location()).isEqualTo("s3:calls/tandem/2026/11/26/123456000000042.wav");
      assertThat(copy.sha256()).isEqualTo(FilesystemArchive.sha256(source));
      assertThat(copy.bytes()).isEqualTo(200_000);
      assertThat(copy.retentionMode()).isNull();
      assertThat(stored(archive, "tandem/2026/11/26/123456000000042.wav")).isEqualTo(Files.readAllBytes(source));
      SdkHttpRequest put = only("PUT");
      assertThat(put.firstMatchingHeader("x-amz-checksum-sha256")).isPresent();
      assertThat(put.firstMatchingHeader("Content-MD5")).isPresent();
    }
  }

  @Test
  void copyingAgainKeepsTheStoredObjectAndPutsNothing() throws IOException {
    Path source = media("again.wav", 10_000, 3);
    try (S3Archive archive = archive(MediaFiles.plain())) {
      ArchivedCopy first = archive.copy(source, RULE, Inum.of(123456, 43), START);
      requests.clear();

      ArchivedCopy second = archive.copy(source, RULE, Inum.of(123456, 43), START);

      assertThat(second).isEqualTo(first);
      assertThat(methods()).isEqualTo(List.of("HEAD"));
    }
  }

  @Test
  void aDifferingObjectIsReplaced() throws IOException {
    Inum inum = Inum.of(123456, 44);
    try (S3Archive archive = archive(MediaFiles.plain())) {
      archive.copy(media("stale.wav", 5_000, 2), RULE, inum, START);
      Path source = media("fresh.wav", 6_000, 5);

      ArchivedCopy copy = archive.copy(source, RULE, inum, START);

      assertThat(copy.sha256()).isEqualTo(FilesystemArchive.sha256(source));
      assertThat(stored(archive, "tandem/2026/11/26/" + inum + ".wav")).isEqualTo(Files.readAllBytes(source));
    }
  }

  @Test
  void aRangeInTheMiddleAndTheLastByteAreReadByRangedGetsNeverTheWholeObject() throws IOException {
    int size = 3 * 1024 * 1024;
    Path source = media("long.wav", size, 11);
    byte[] expected = Files.readAllBytes(source);
    try (S3Archive archive = archive(MediaFiles.plain())) {
      ArchivedCopy copy = archive.copy(source, RULE, Inum.of(123456, 45), START);
      requests.clear();

      try (MediaChannel channel = archive.open(copy.location())) {
        assertThat(channel.size()).isEqualTo(size);
        ByteBuffer middle = ByteBuffer.allocate(1000);
        channel.readFully(middle, 1_500_000);
        assertThat(middle.array()).isEqualTo(Arrays.copyOfRange(expected, 1_500_000, 1_501_000));
        ByteBuffer last = ByteBuffer.allocate(10);
        assertThat(channel.read(last, size - 1)).isEqualTo(1);
        assertThat(last.get(0)).isEqualTo(expected[size - 1]);
        assertThat(channel.read(ByteBuffer.allocate(1), size)).isEqualTo(-1);
      }

      List<String> ranges = requests.stream().filter(r -> r.method().name().equals("GET"))
          .map(r -> r.firstMatchingHeader("Range").orElse("whole")).toList();
      // The first window (opening: the length, and is it sealed?), the middle, the last byte.
      assertThat(ranges).hasSize(3).allSatisfy(range -> assertThat(range).startsWith("bytes="));
      // Not the last byte alone: a whole window that ends at the end (a tiny answer waits on TCP's Nagle).
      assertThat(ranges.get(2)).isEqualTo("bytes=" + (size - S3ObjectChannel.FIRST_WINDOW) + "-" + (size - 1));
      long fetched = ranges.stream().mapToLong(S3ArchiveTest::rangeLength).sum();
      assertThat(fetched).isLessThan(size / 4);
    }
  }

  @Test
  void aWholeReadGivesBackEveryByte() throws IOException {
    Path source = media("whole.wav", 9 * 1024 * 1024 + 7, 13);
    try (S3Archive archive = archive(MediaFiles.plain())) {
      ArchivedCopy copy = archive.copy(source, RULE, Inum.of(123456, 46), START);

      try (MediaChannel channel = archive.open(copy.location())) {
        ByteBuffer all = ByteBuffer.allocate((int) channel.size());
        channel.readFully(all, 0);
        assertThat(all.array()).isEqualTo(Files.readAllBytes(source));
      }
    }
  }

  @Test
  void aSealedFileStaysSealedInTheBucketAndIsOpenedChunkByChunkWithTheKeys() throws IOException {
    MediaFiles sealing = MediaFiles.of(MediaKeys.generate(), true);
    Path source = folder.resolve("sealed.wav");
    byte[] plain = Files.readAllBytes(media("plain.wav", 300_000, 17));
    try (var out = sealing.newOutputStream(source)) {
      out.write(plain);
    }
    try (S3Archive withKeys = archive(MediaFiles.of(sealing.keys(), false));
        S3Archive withoutKeys = archive(MediaFiles.plain())) {
      ArchivedCopy copy = withKeys.copy(source, RULE, Inum.of(123456, 47), START);

      assertThat(stored(withKeys, "tandem/2026/11/26/123456000000047.wav")).isEqualTo(Files.readAllBytes(source));
      try (MediaChannel channel = withKeys.open(copy.location())) {
        ByteBuffer range = ByteBuffer.allocate(5_000);
        channel.readFully(range, 123_456);
        assertThat(range.array()).isEqualTo(Arrays.copyOfRange(plain, 123_456, 128_456));
        assertThat(channel.size()).isEqualTo(plain.length);
      }
      assertThatThrownBy(() -> withoutKeys.open(copy.location())).isInstanceOf(SealedMediaException.class);
    }
  }

  @Test
  void aTargetThatTakesTheLockHeadersButHoldsNoLockIsRefusedAndPutAgainNextTime() throws Exception {
    // s3proxy implements no object lock; this one takes the lock headers without acting on them, as some servers do
    // on a bucket without object lock. A bucket that keeps the lock is tried in the integration tests (Ceph's gateway).
    try (S3Server lockless = new S3Server(folder.resolve("lock-server"), true, "calls-bucket");
        S3Archive archive = new S3Archive(lockless.target("calls", "calls-bucket"), MediaFiles.plain(), CLOCK,
            List.of(recorder))) {
      Path source = media("locked.wav", 4_000, 19);
      assertThatThrownBy(() -> archive.copy(source, LOCKED, Inum.of(123456, 48), START))
          .isInstanceOf(ArchiveUnavailableException.class)
          .hasMessageContaining("call 123456000000048")
          .hasMessageContaining("holds it under no retention (COMPLIANCE until 2026-12-26T23:59:59Z asked)")
          .hasMessageContaining("is object lock enabled on bucket calls-bucket? (setting the lock on the version was "
              + "refused too: HTTP 501");

      SdkHttpRequest put = requests.stream().filter(r -> r.method().name().equals("PUT")
          && !r.rawQueryParameters().containsKey("retention")).findFirst().orElseThrow();
      assertThat(put.firstMatchingHeader("x-amz-object-lock-mode")).contains("COMPLIANCE");
      assertThat(put.firstMatchingHeader("x-amz-object-lock-retain-until-date")).contains("2026-12-26T23:59:59Z");
      assertThat(put.firstMatchingHeader("x-amz-object-lock-legal-hold")).contains("ON");
      requests.clear();

      assertThatThrownBy(() -> archive.copy(source, LOCKED, Inum.of(123456, 48), START))
          .isInstanceOf(ArchiveUnavailableException.class);
      assertThat(methods()).as("the unlocked object is not taken as the copy: it is put again")
          .isEqualTo(List.of("HEAD", "PUT", "HEAD", "PUT"));
    }
  }

  @Test
  void theCopyStateIsTheLockTheTargetReportsAndAWeakerModeIsRefused() throws Exception {
    // The HEAD answers of a server that keeps the lock, as Ceph's gateway gives them (see S3ObjectLockTest there).
    String[] mode = {"COMPLIANCE"};
    List<String> headVersions = new CopyOnWriteArrayList<>();
    ExecutionInterceptor keepsLock = new ExecutionInterceptor() {
      @Override
      public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        // s3proxy keeps no versions and refuses a versionId: noted, and taken off.
        List<String> version = context.httpRequest().rawQueryParameters().get("versionId");
        if (version == null) {
          return context.httpRequest();
        }
        headVersions.addAll(version);
        return context.httpRequest().toBuilder().removeQueryParameter("versionId").build();
      }

      @Override
      public software.amazon.awssdk.http.SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context,
          ExecutionAttributes attributes) {
        if (context.request() instanceof PutObjectRequest) {
          return context.httpResponse().toBuilder().putHeader("x-amz-version-id", "v-17").build();
        }
        if (!(context.request() instanceof HeadObjectRequest) || context.httpResponse().statusCode() != 200) {
          return context.httpResponse();
        }
        return context.httpResponse().toBuilder().putHeader("x-amz-object-lock-mode", mode[0])
            .putHeader("x-amz-object-lock-retain-until-date", "2026-12-27T00:00:00.000Z")
            .putHeader("x-amz-object-lock-legal-hold", "ON").putHeader("x-amz-version-id", "v-17").build();
      }
    };
    try (S3Server locking = new S3Server(folder.resolve("locking-server"), true, "calls-bucket");
        S3Archive archive = new S3Archive(locking.target("calls", "calls-bucket"), MediaFiles.plain(), CLOCK,
            List.of(keepsLock, recorder))) {
      ArchivedCopy copy = archive.copy(media("kept.wav", 4_000, 29), LOCKED, Inum.of(123456, 54), START);

      assertThat(copy.retentionMode()).isEqualTo(ObjectLock.RetentionMode.COMPLIANCE);
      assertThat(copy.retainUntil()).as("the date the target reports, not the one asked")
          .isEqualTo(Instant.parse("2026-12-27T00:00:00Z"));
      assertThat(copy.legalHold()).isTrue();
      assertThat(copy.location()).isEqualTo("s3:calls/locked/2026/11/26/123456000000054.wav?versionId=v-17");
      assertThat(methods()).isEqualTo(List.of("HEAD", "PUT", "HEAD"));
      assertThat(headVersions).as("the HEAD after the PUT asks for the version put").containsExactly("v-17");

      mode[0] = "GOVERNANCE";
      assertThatThrownBy(() -> archive.copy(media("weaker.wav", 4_000, 37), LOCKED, Inum.of(123456, 55), START))
          .isInstanceOf(ArchiveUnavailableException.class)
          .hasMessageContaining("holds it in GOVERNANCE mode, not COMPLIANCE");
    }
  }

  @Test
  void aBucketRefusingTheLockLeavesTheCopyToBeTriedAgainWithTheTargetsReason() throws IOException {
    try (S3Archive archive = archive(MediaFiles.plain())) {
      assertThatThrownBy(() -> archive.copy(media("refused.wav", 4_000, 41), LOCKED, Inum.of(123456, 52), START))
          .isInstanceOf(ArchiveUnavailableException.class)
          .hasMessageContaining("call 123456000000052").hasMessageContaining("was refused: HTTP 501");
    }
  }

  @Test
  void aRetentionAlreadyOverWhenTheCopyIsWrittenIsLeftOff() throws IOException {
    ArchiveRule shortLock = new ArchiveRule(3, "short", null, 0, new ArchiveTarget.S3("calls", ""),
        new ObjectLock(ObjectLock.RetentionMode.GOVERNANCE, 1, false), true);
    Instant longAgo = NOW.minus(Duration.ofDays(3));
    try (S3Archive archive = archive(MediaFiles.plain())) {
      ArchivedCopy copy = archive.copy(media("old.wav", 4_000, 23), shortLock, Inum.of(123456, 49), longAgo);

      assertThat(only("PUT").firstMatchingHeader("x-amz-object-lock-mode")).isEmpty();
      assertThat(copy.retentionMode()).isNull();
      assertThat(copy.retainUntil()).isNull();
    }
  }

  @Test
  void aFileLargerThanOnePutGoesUpInPartsEachWithItsMd5AndIsKeptWhenArchivedAgain() throws IOException {
    Path source = media("long-call.wav", 12 * 1024 * 1024 + 5, 7);
    try (S3Archive archive = new S3Archive(server.target("calls", "calls-bucket"), MediaFiles.plain(), CLOCK,
        List.of(recorder), 6L << 20, 5L << 20)) {
      ArchivedCopy copy = archive.copy(source, RULE, Inum.of(123456, 56), START);

      assertThat(copy.sha256()).isEqualTo(FilesystemArchive.sha256(source));
      assertThat(copy.bytes()).isEqualTo(Files.size(source));
      assertThat(stored(archive, "tandem/2026/11/26/123456000000056.wav")).isEqualTo(Files.readAllBytes(source));
      List<SdkHttpRequest> parts = requests.stream().filter(r -> r.method().name().equals("PUT")).toList();
      assertThat(parts).allSatisfy(part -> assertThat(part.firstMatchingHeader("Content-MD5")).isPresent());
      assertThat(parts.stream().map(part -> part.rawQueryParameters().get("partNumber")).distinct())
          .as("three parts of 5 MiB at most").containsExactly(List.of("1"), List.of("2"), List.of("3"));
      requests.clear();

      assertThat(archive.copy(source, RULE, Inum.of(123456, 56), START)).isEqualTo(copy);
      assertThat(methods()).isEqualTo(List.of("HEAD"));
    }
  }

  @Test
  void aPartTheTargetReceivedOtherThanSentFailsTheUploadWhichIsAbortedAndLeavesNoObject() throws IOException {
    ExecutionInterceptor corrupter = corrupting(request -> request instanceof UploadPartRequest part
        && part.partNumber() == 2);
    Path source = media("torn-call.wav", 12 * 1024 * 1024, 3);
    try (S3Archive archive = new S3Archive(server.target("calls", "calls-bucket"), MediaFiles.plain(), CLOCK,
        List.of(corrupter, recorder), 6L << 20, 5L << 20); S3Archive reader = archive(MediaFiles.plain())) {
      assertThatThrownBy(() -> archive.copy(source, RULE, Inum.of(123456, 57), START))
          .isInstanceOf(ArchiveUnavailableException.class)
          .hasMessageContaining("call 123456000000057")
          .hasMessageContaining("does not match the checksum sent");

      assertThat(methods()).as("the upload aborted after the refused part")
          .isEqualTo(List.of("HEAD", "POST", "PUT", "PUT", "DELETE"));
      assertThatThrownBy(() -> reader.open("s3:calls/tandem/2026/11/26/123456000000057.wav"))
          .isInstanceOf(ArchiveUnreachableException.class).hasMessageContaining("no archived copy");
    }
  }

  @Test
  void aFileThatChangesWhileItGoesUpInPartsIsAbortedAndLeavesNoObject() throws IOException {
    Path source = media("changing-call.wav", 12 * 1024 * 1024, 5);
    ExecutionInterceptor changer = new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof UploadPartRequest part && part.partNumber() == 1) {
          try (var file = java.nio.channels.FileChannel.open(source, java.nio.file.StandardOpenOption.WRITE)) {
            file.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), 11L << 20);
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    };
    try (S3Archive archive = new S3Archive(server.target("calls", "calls-bucket"), MediaFiles.plain(), CLOCK,
        List.of(changer, recorder), 6L << 20, 5L << 20); S3Archive reader = archive(MediaFiles.plain())) {
      assertThatThrownBy(() -> archive.copy(source, RULE, Inum.of(123456, 58), START))
          .isInstanceOf(ArchiveUnavailableException.class)
          .hasMessageContaining("changed while it was archived");

      assertThat(methods()).isEqualTo(List.of("HEAD", "POST", "PUT", "PUT", "PUT", "DELETE"));
      assertThatThrownBy(() -> reader.open("s3:calls/tandem/2026/11/26/123456000000058.wav"))
          .isInstanceOf(ArchiveUnreachableException.class).hasMessageContaining("no archived copy");
    }
  }

  @Test
  void anUploadTheTargetReceivedOtherThanSentIsRefusedAndLeavesNoObject() throws IOException {
    ExecutionInterceptor corrupter = corrupting(request -> request instanceof PutObjectRequest);
    Path source = media("corrupted.wav", 50_000, 29);
    try (S3Archive archive = archive(MediaFiles.plain(), corrupter); S3Archive reader = archive(MediaFiles.plain())) {
      assertThatThrownBy(() -> archive.copy(source, RULE, Inum.of(123456, 50), START))
          .isInstanceOf(ArchiveUnavailableException.class)
          .hasMessageContaining("call 123456000000050")
          .hasMessageContaining("does not match the checksum sent");

      assertThatThrownBy(() -> reader.open("s3:calls/tandem/2026/11/26/123456000000050.wav"))
          .isInstanceOf(ArchiveUnreachableException.class).hasMessageContaining("no archived copy");
    }
  }

  @Test
  void aStoredObjectWhoseReportedChecksumDiffersIsAnErrorToRetry() throws IOException {
    ExecutionInterceptor wrongEtag = new ExecutionInterceptor() {
      @Override
      public software.amazon.awssdk.http.SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context,
          ExecutionAttributes attributes) {
        if (!(context.request() instanceof PutObjectRequest)) {
          return context.httpResponse();
        }
        return context.httpResponse().toBuilder().putHeader("ETag", "\"00000000000000000000000000000000\"").build();
      }
    };
    try (S3Archive archive = archive(MediaFiles.plain(), wrongEtag)) {
      assertThatThrownBy(() -> archive.copy(media("etag.wav", 7_000, 43), RULE, Inum.of(123456, 53), START))
          .isInstanceOf(ArchiveUnavailableException.class).hasMessageContaining("was taken, but the target reports MD5");
    }
  }

  @Test
  void anUnreachableEndpointIsATargetUnavailableNowNamingTheEndpoint() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    URI endpoint = URI.create("http://127.0.0.1:" + closed);
    S3Target nowhere = new S3Target("calls", endpoint, "us-east-1", "calls-bucket", true, "id", "secret");
    try (S3Archive archive = new S3Archive(nowhere, MediaFiles.plain(), CLOCK, List.of())) {
      Path source = media("nowhere.wav", 1_000, 31);

      assertThatThrownBy(() -> archive.copy(source, RULE, INUM, START))
          .isInstanceOf(ArchiveUnavailableException.class).hasMessageContaining(endpoint.toString());
      assertThatThrownBy(() -> archive.open("s3:calls/tandem/x.wav"))
          .isInstanceOf(ArchiveUnreachableException.class).hasMessageContaining(endpoint.toString());
    }
  }

  @Test
  void theRouterSendsEachRuleToItsTargetAndWaitsOnATargetItDoesNotKnow() throws IOException {
    Path source = media("routed.wav", 3_000, 37);
    ArchiveRule toFolder = new ArchiveRule(4, "folder", null, 0, folder.resolve("archive"), true);
    ArchiveRule toUnknown = new ArchiveRule(5, "elsewhere", null, 0, new ArchiveTarget.S3("elsewhere", ""),
        ObjectLock.NONE, true);
    try (ArchiveTargets targets = new ArchiveTargets(new FilesystemArchive(),
        Map.of("calls", archive(MediaFiles.plain())))) {
      assertThat(targets.copy(source, RULE, Inum.of(123456, 51), START).location()).startsWith("s3:calls/tandem/");
      assertThat(targets.copy(source, toFolder, Inum.of(123456, 51), START).location())
          .startsWith(folder.toString());
      assertThatThrownBy(() -> targets.copy(source, toUnknown, Inum.of(123456, 51), START))
          .isInstanceOf(ArchiveUnavailableException.class).hasMessageContaining("archive.s3.elsewhere");
      assertThatThrownBy(() -> targets.open("s3:elsewhere/a.wav"))
          .isInstanceOf(ArchiveUnreachableException.class).hasMessageContaining("archive.s3.elsewhere");
      try (MediaChannel channel = targets.open("s3:calls/tandem/2026/11/26/123456000000051.wav")) {
        assertThat(channel.size()).isEqualTo(3_000);
      }
    }
  }

  /**
   * The one request of {@code method} the archive made, as the server last received it: the SDK may send a request
   * again after a transient failure (it did, once, on a loaded machine), and every attempt is one request to one key.
   */
  /** Flips a byte in the middle of the body of each request that {@code which} picks, after its checksums. */
  private static ExecutionInterceptor corrupting(java.util.function.Predicate<Object> which) {
    return new ExecutionInterceptor() {
      @Override
      public Optional<RequestBody> modifyHttpContent(Context.ModifyHttpRequest context,
          ExecutionAttributes attributes) {
        if (!which.test(context.request()) || context.requestBody().isEmpty()) {
          return context.requestBody();
        }
        try (var in = context.requestBody().get().contentStreamProvider().newStream()) {
          byte[] bytes = in.readAllBytes();
          bytes[bytes.length / 2] ^= 0x55;
          return Optional.of(RequestBody.fromBytes(bytes));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    };
  }

  /**
   * The methods of the requests sent, an attempt that repeats the one before it (the SDK retries a request whose
   * kept-alive connection the server had closed) counted once.
   */
  private List<String> methods() {
    List<String> methods = new java.util.ArrayList<>();
    SdkHttpRequest previous = null;
    for (SdkHttpRequest request : requests) {
      boolean retry = previous != null && previous.method() == request.method()
          && previous.encodedPath().equals(request.encodedPath())
          && previous.rawQueryParameters().equals(request.rawQueryParameters());
      if (!retry) {
        methods.add(request.method().name());
      }
      previous = request;
    }
    return methods;
  }

  private SdkHttpRequest only(String method) {
    List<SdkHttpRequest> matching = requests.stream().filter(r -> r.method().name().equals(method)).toList();
    assertThat(matching).as("%s requests", method).isNotEmpty();
    assertThat(matching.stream().map(SdkHttpRequest::encodedPath).distinct().toList())
        .as("keys of the %s requests (attempts of one request)", method).hasSize(1);
    return matching.getLast();
  }

  private static long rangeLength(String range) {
    String[] ends = range.substring("bytes=".length()).split("-");
    return Long.parseLong(ends[1]) - Long.parseLong(ends[0]) + 1;
  }

  /** The object's bytes as the server keeps them, read with a plain GET. */
  private static byte[] stored(S3Archive archive, String key) {
    try (var client = software.amazon.awssdk.services.s3.S3Client.builder()
        .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
        .endpointOverride(server.endpoint()).forcePathStyle(true)
        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(S3Server.ACCESS_KEY, S3Server.SECRET)))
        .build()) {
      return client.getObjectAsBytes(GetObjectRequest.builder().bucket(archive.target().bucket()).key(key).build())
          .asByteArray();
    }
  }

  private Path media(String name, int size, int seed) throws IOException {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * seed + (i >> 8));
    }
    return Files.write(folder.resolve(name), bytes);
  }
}
