package io.tandem.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.Inum;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.callbuffer.InumAllocator;
import io.tandem.callbuffer.LocalStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchReaderTest {
  private static final Instant START = TestCalls.START;

  @TempDir
  Path dataDir;
  private LocalStore store;
  private CallBuffer buffer;
  private Workflow workflow;
  private BatchReader reader;

  @BeforeEach
  void openStore() {
    store = LocalStore.open(dataDir.resolve("buffer.db"));
    buffer = new CallBuffer(store, new InumAllocator(store, 123456, null), Clock.systemUTC());
    workflow = new Workflow(store, Clock.systemUTC());
    reader = new BatchReader(workflow, buffer, new MediaCheck(dataDir), java.util.function.UnaryOperator.identity());
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void largeBatchGivesEveryEntryItsVerdictInEveryPart() throws IOException {
    List<Inum> sound = new ArrayList<>();
    for (int i = 0; i < BatchReader.MIN_SPLIT; i++) {
      sound.add(finishedCall(160).inum());
    }
    CallRecord shortMedia = finishedCall(160);
    TestCalls.writeWav(dataDir.resolve(shortMedia.mediaPath()), 80);
    CallRecord noMedia = finishedCall(160);
    Files.delete(dataDir.resolve(noMedia.mediaPath()));
    CallRecord shortAtTheEnd = finishedCall(160);
    TestCalls.writeWav(dataDir.resolve(shortAtTheEnd.mediaPath()), 40);
    Inum recording = buffer.begin("recording", START, CallRole.MASTER, List.of(), List.of()).inum();
    Inum notInBuffer = Inum.of(123456, 999_999);
    // Entries in the first part, the middle and the last part, each checked on a thread of its own.
    List<Inum> all = new ArrayList<>(List.of(notInBuffer, sound.getFirst(), shortMedia.inum(), recording));
    all.addAll(sound.subList(1, sound.size() / 2));
    all.add(noMedia.inum());
    all.addAll(sound.subList(sound.size() / 2, sound.size()));
    all.add(shortAtTheEnd.inum());
    workflow.submitAll(all);

    Batch batch = reader.read(1000, false, Set.of());

    assertThat(batch.due()).containsExactlyInAnyOrderElementsOf(all);
    List<Inum> toMark = new ArrayList<>(sound);
    toMark.add(noMedia.inum());
    assertThat(batch.sound()).extracting(CallRecord::inum).containsExactlyInAnyOrderElementsOf(toMark);
    assertThat(batch.sound()).filteredOn(call -> call.inum().equals(noMedia.inum())).singleElement()
        .satisfies(call -> assertThat(call.quirks()).containsExactly(CallRecord.NO_MEDIA));
    assertThat(batch.recording()).containsExactly(recording);
    assertThat(batch.failures()).containsOnlyKeys(notInBuffer, shortMedia.inum(), shortAtTheEnd.inum());
    assertThat(batch.failures().get(notInBuffer)).isEqualTo("call is not in the call buffer");
    assertThat(batch.failures().get(shortMedia.inum())).contains("80 data bytes");
    assertThat(batch.failures().get(shortAtTheEnd.inum())).contains("40 data bytes");
  }

  @Test
  void excludedEntriesAreLeftOutAndTheLimitHeld() throws IOException {
    List<Inum> inums = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      inums.add(finishedCall(160).inum());
    }
    workflow.submitAll(inums);

    Batch batch = reader.read(2, false, Set.of(inums.get(0), inums.get(1)));

    assertThat(batch.due()).hasSize(2).doesNotContain(inums.get(0), inums.get(1));
    assertThat(batch.departures()).isEqualTo(workflow.departures());
  }

  private CallRecord finishedCall(int bytes) throws IOException {
    return TestCalls.finishedCall(buffer, dataDir, bytes);
  }
}
