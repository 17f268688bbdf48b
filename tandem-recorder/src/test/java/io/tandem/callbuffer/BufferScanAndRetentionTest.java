package io.tandem.callbuffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.capture.rtp.PayloadLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BufferScanAndRetentionTest {
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  @TempDir
  Path dataDir;
  private LocalStore store;
  private CallBuffer buffer;

  @BeforeEach
  void openBuffer() {
    store = LocalStore.open(dataDir.resolve("buffer.db"));
    buffer = CallBufferTest.bufferOn(store);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void scanKeepsRangeAndRolesInStartOrder() {
    CallRecord slave = buffer.begin("a", NOW.minusSeconds(30), CallRole.SLAVE, List.of(), List.of());
    CallRecord master = buffer.begin("b", NOW.minusSeconds(40), CallRole.MASTER, List.of(), List.of());
    buffer.begin("c", NOW, CallRole.MASTER, List.of(), List.of());
    buffer.begin("d", NOW.minusSeconds(50), CallRole.MASTER, List.of(), List.of());

    Instant from = NOW.minusSeconds(40);
    assertThat(buffer.scan(from, NOW, true, true)).containsExactly(master.inum(), slave.inum());
    assertThat(buffer.scan(from, NOW, false, true)).containsExactly(slave.inum());
    assertThat(buffer.scan(from, NOW, true, false)).containsExactly(master.inum());
    assertThat(buffer.scan(from, NOW, false, false)).isEmpty();
  }

  @Test
  void scanOverHundredThousandCallsFeedsBoundedChunksInOrder() {
    int total = 100_000;
    insertCalls(total);
    List<Integer> chunkSizes = new ArrayList<>();
    long[] previous = {0};
    boolean[] ordered = {true};

    long fed = buffer.scan(Instant.EPOCH, NOW, true, true, chunk -> {
      chunkSizes.add(chunk.size());
      for (Inum inum : chunk) {
        ordered[0] &= inum.value() > previous[0];
        previous[0] = inum.value();
      }
    });

    assertThat(fed).isEqualTo(total);
    assertThat(chunkSizes).hasSize(total / CallBuffer.SCAN_CHUNK).allMatch(size -> size == CallBuffer.SCAN_CHUNK);
    assertThat(ordered[0]).isTrue();
  }

  @Test
  void retentionDeletesOldFinishedCallsButNeverRecordingOrPendingOnes() throws IOException {
    CallRecord old = finished("old", NOW.minus(Duration.ofDays(40)), 1_000);
    CallRecord oldPending = finished("pending", NOW.minus(Duration.ofDays(39)), 1_000);
    CallRecord oldRecording = buffer.begin("recording", NOW.minus(Duration.ofDays(38)), CallRole.MASTER,
        List.of(), List.of());
    CallRecord fresh = finished("fresh", NOW.minus(Duration.ofDays(1)), 1_000);
    workflowEntry(oldPending.inum(), "PENDING");
    workflowEntry(old.inum(), "DONE");

    int deleted = buffer.applyRetention(everyCopyLinked(Duration.ofDays(30), Long.MAX_VALUE), dataDir).removed();

    assertThat(deleted).isEqualTo(1);
    assertThat(buffer.find(old.inum())).isEmpty();
    assertThat(buffer.metadata(old.inum())).isEmpty();
    assertThat(buffer.metadata(fresh.inum())).hasSize(1);
    assertThat(dataDir.resolve(old.mediaPath())).doesNotExist();
    assertThat(buffer.find(List.of(oldPending.inum(), oldRecording.inum(), fresh.inum()))).hasSize(3);
    assertThat(dataDir.resolve(fresh.mediaPath())).exists();
  }

  @Test
  void retentionDeletesACallsPayloadLogsAndWhatAnInterruptedDecodeLeftWithItsWav() throws IOException {
    CallRecord old = finished("raw", NOW.minus(Duration.ofDays(40)), 1_000);
    Path wav = dataDir.resolve(old.mediaPath());
    Files.write(PayloadLog.pending(wav), new byte[10]);
    Files.write(PayloadLog.kept(wav), new byte[10]);
    Files.write(Files.createDirectories(PayloadLog.decodingFolder(wav)).resolve("decoded.wav"), new byte[10]);

    assertThat(buffer.applyRetention(everyCopyLinked(Duration.ofDays(30), Long.MAX_VALUE), dataDir).removed())
        .isEqualTo(1);

    assertThat(wav).doesNotExist();
    assertThat(PayloadLog.pending(wav)).doesNotExist();
    assertThat(PayloadLog.kept(wav)).doesNotExist();
    assertThat(PayloadLog.decodingFolder(wav)).doesNotExist();
  }

  @Test
  void retentionByCapacityDeletesOldestFirstUntilUnderTheLimit() throws IOException {
    CallRecord oldest = finished("1", NOW.minusSeconds(300), 1_000);
    CallRecord middle = finished("2", NOW.minusSeconds(200), 1_000);
    CallRecord newest = finished("3", NOW.minusSeconds(100), 1_000);

    int deleted = buffer.applyRetention(everyCopyLinked(Duration.ofDays(365), 1_500), dataDir).removed();

    assertThat(deleted).isEqualTo(2);
    assertThat(buffer.find(List.of(oldest.inum(), middle.inum(), newest.inum()))).extracting(CallRecord::inum)
        .containsExactly(newest.inum());
    assertThat(buffer.stats().bytes()).isEqualTo(1_000);
  }

  /** Rules under which the call database holds every call as a copy, with no legal hold. */
  private static RetentionRules everyCopyLinked(Duration maxAge, long maxBytes) {
    return new RetentionRules(NOW.minus(maxAge), maxBytes, List.of(), inums -> {
      Set<Long> all = new HashSet<>();
      for (long inum : inums) {
        all.add(inum);
      }
      return all;
    });
  }

  private CallRecord finished(String key, Instant start, long bytes) throws IOException {
    CallRecord call = buffer.begin(key, start, CallRole.MASTER, List.of(), List.of(), "", List.of(),
        MetadataBody.received(start, "application/rs-metadata+xml", key.getBytes(StandardCharsets.UTF_8)));
    Path media = dataDir.resolve(call.mediaPath());
    Files.createDirectories(media.getParent());
    Files.write(media, new byte[(int) bytes + 44]);
    return buffer.finish(call.inum(), start.plusSeconds(1), CallState.COMPLETE, new MediaStats(1, 0, bytes, 1));
  }

  private void workflowEntry(Inum inum, String state) {
    store.transaction(c -> {
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO workflow (inum, state, next_attempt_millis, "
          + "updated_millis) VALUES (?, ?, 0, 0)")) {
        insert.setLong(1, inum.value());
        insert.setString(2, state);
        return insert.executeUpdate();
      }
    });
  }

  private void insertCalls(int count) {
    InumAllocator allocator = new InumAllocator(store, 222222, null);
    store.transaction(c -> {
      try (PreparedStatement insert = c.prepareStatement(
          CallRows.INSERT)) {
        for (int i = 0; i < count; i++) {
          Inum inum = allocator.nextWithin(c);
          Instant start = Instant.EPOCH.plusSeconds(1_000_000_000L + i);
          CallRows.insert(insert, new CallRecord(inum, "k" + i, start, start.plusSeconds(1),
              i % 2 == 0 ? CallRole.MASTER : CallRole.SLAVE, CallState.COMPLETE, List.of(), List.of(),
              MediaStats.NONE, CallBuffer.mediaPath(inum, start)));
          insert.addBatch();
        }
        insert.executeBatch();
      }
      return null;
    });
  }
}
