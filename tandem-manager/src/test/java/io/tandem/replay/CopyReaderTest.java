package io.tandem.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.tandem.admin.RecorderClients;
import io.tandem.call.Inum;
import io.tandem.database.MediaSource;
import io.tandem.media.MediaFiles;
import io.tandem.media.sealed.MediaKeys;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CopyReaderTest {
  private static final byte[] ARCHIVED = randomBytes(1, 30_000);
  private static final byte[] ON_RECORDER = randomBytes(2, 20_000);
  private static final Inum FIRST = Inum.of(510_000, 1);
  private static final Inum SECOND = Inum.of(510_001, 1);

  @TempDir
  Path files;
  private final MediaKeys keys = MediaKeys.generate();
  private RecorderClients clients;
  private HttpServer recorder;

  @BeforeEach
  void startRecorder() throws Exception {
    clients = new RecorderClients(Duration.ofSeconds(2), null, null);
    recorder = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    recorder.createContext("/api/calls/", exchange -> {
      exchange.getResponseHeaders().set("Content-Type", "audio/wav");
      exchange.sendResponseHeaders(200, ON_RECORDER.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(ON_RECORDER);
      }
    });
    recorder.start();
  }

  @AfterEach
  void stopRecorder() {
    recorder.stop(0);
    clients.close();
  }

  @Test
  void aSealedArchivedCopyIsReadDecryptedWithItsLengthAndSha256() throws Exception {
    Path sealed = files.resolve("archived.wav");
    try (OutputStream out = MediaFiles.of(keys, true).newOutputStream(sealed)) {
      out.write(ARCHIVED);
    }
    assertThat(MediaFiles.isSealed(sealed)).isTrue();

    CopyReader.Outcome outcome = new CopyReader(clients, new io.tandem.archive.FilesystemArchive(MediaFiles.of(keys, false)))
        .read(List.of(new MediaSource(FIRST, 510_000, null, sealed.toString())), files);

    try (CopyReader.ReadCopy copy = outcome.copy().orElseThrow()) {
      assertThat(copy.inum()).isEqualTo(FIRST);
      assertThat(Files.readAllBytes(copy.spool())).isEqualTo(ARCHIVED);
      assertThat(copy.bytes()).isEqualTo(ARCHIVED.length);
      assertThat(copy.sha256()).isEqualTo(sha256(ARCHIVED));
    }
    assertThat(spools()).as("spool files left after close").isEmpty();
  }

  @Test
  void aCopyWhoseRecorderCannotBeReachedIsPassedOverForTheNextInOrder() throws Exception {
    List<MediaSource> sources = List.of(new MediaSource(FIRST, 510_000, "http://127.0.0.1:" + closedPort(), null),
        new MediaSource(SECOND, 510_001, "http://127.0.0.1:" + recorder.getAddress().getPort(), null));

    CopyReader.Outcome outcome = new CopyReader(clients, new io.tandem.archive.FilesystemArchive(MediaFiles.plain())).read(sources, files);

    try (CopyReader.ReadCopy copy = outcome.copy().orElseThrow()) {
      assertThat(copy.inum()).isEqualTo(SECOND);
      assertThat(copy.sha256()).isEqualTo(sha256(ON_RECORDER));
    }
    assertThat(outcome.missed()).singleElement().asString().contains(FIRST.toString(), "not archived",
        "cannot be reached");
  }

  @Test
  void withNoReadableCopyEachCopysReasonIsGivenAndNothingIsLeftOnDisk() throws Exception {
    Path sealed = files.resolve("sealed-under-another-key.wav");
    try (OutputStream out = MediaFiles.of(MediaKeys.generate(), true).newOutputStream(sealed)) {
      out.write(ARCHIVED);
    }
    List<MediaSource> sources = List.of(new MediaSource(FIRST, 510_000, null, files.resolve("gone.wav").toString()),
        new MediaSource(SECOND, 510_001, null, sealed.toString()));

    CopyReader.Outcome outcome = new CopyReader(clients, new io.tandem.archive.FilesystemArchive(MediaFiles.of(keys, false))).read(sources, files);

    assertThat(outcome.copy()).isEmpty();
    assertThat(outcome.missed()).hasSize(2);
    assertThat(outcome.missed().get(0)).contains(FIRST.toString(), "gone.wav", "cannot be reached from here",
        "recorder 510000 is not registered");
    assertThat(outcome.missed().get(1)).contains(SECOND.toString(), "cannot be read here");
    assertThat(spools()).isEmpty();
  }

  private List<Path> spools() throws Exception {
    try (var listed = Files.list(files)) {
      return listed.filter(file -> file.getFileName().toString().startsWith("copy-")).toList();
    }
  }

  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static byte[] randomBytes(long seed, int length) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
