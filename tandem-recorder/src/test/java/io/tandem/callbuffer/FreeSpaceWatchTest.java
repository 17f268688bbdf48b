package io.tandem.callbuffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FreeSpaceWatchTest {
  private static final long MIB = 1L << 20;
  /** A floor of 16 MiB on any filesystem: the recorder resumes from 20 MiB free. */
  private static final DiskFloor FLOOR = DiskFloor.parse("disk.floor", "16MiB");

  private final AtomicReference<Object> free = new AtomicReference<>(100 * MIB);
  private final FreeSpaceWatch watch = new FreeSpaceWatch(FLOOR, () -> {
    if (free.get() instanceof IOException e) {
      throw e;
    }
    return new FreeSpaceWatch.Space((Long) free.get(), 1024 * MIB);
  }, "the test's data directory");

  @Test
  void freeSpaceBelowTheFloorMakesTheRecorderLow() {
    assertThat(watch.low()).isFalse();
    assertThat(at(16 * MIB).low()).as("at the floor").isFalse();
    assertThat(at(16 * MIB - 1).low()).as("one byte under").isTrue();
  }

  @Test
  void aLowRecorderResumesOnlyAboveTheFloorPlusAQuarterOfIt() {
    at(10 * MIB);
    assertThat(at(17 * MIB).low()).as("back above the floor, within the margin").isTrue();
    assertThat(at(20 * MIB - 1).low()).as("just under the resume level").isTrue();
    FreeSpaceWatch.Reading resumed = at(20 * MIB);
    assertThat(resumed.low()).isFalse();
    assertThat(resumed.resumeBytes()).isEqualTo(20 * MIB);
    assertThat(at(18 * MIB).low()).as("falling again, still above the floor").isFalse();
  }

  @Test
  void aReadingCarriesTheFiguresTheHealthAnswerShows() {
    FreeSpaceWatch.Reading reading = at(12 * MIB);
    assertThat(reading).isEqualTo(new FreeSpaceWatch.Reading(12 * MIB, 16 * MIB, 20 * MIB, true));
    assertThat(watch.reading()).isEqualTo(reading);
  }

  @Test
  void aPercentageFloorFollowsTheFilesystemsSize() {
    FreeSpaceWatch share = new FreeSpaceWatch(DiskFloor.parse("disk.floor", "10%"),
        () -> new FreeSpaceWatch.Space(90 * MIB, 1000 * MIB), "a 1000 MiB filesystem");
    assertThat(share.reading().floorBytes()).isEqualTo(100 * MIB);
    assertThat(share.low()).isTrue();
  }

  @Test
  void aFilesystemThatCannotBeAskedCountsAsLowUntilItAnswers() {
    free.set(new IOException("no such device"));
    assertThat(watch.check().low()).isTrue();
    assertThat(watch.reading().freeBytes()).isZero();
    assertThat(at(100 * MIB).low()).isFalse();
  }

  @Test
  void aRealDirectoryIsWatchedOnItsOwnFilesystem(@TempDir Path dir) throws IOException {
    FreeSpaceWatch real = FreeSpaceWatch.of(dir, DiskFloor.parse("disk.floor", "1MiB"));
    assertThat(real.reading().freeBytes()).isPositive();
    assertThat(real.reading().floorBytes()).isEqualTo(MIB);
  }

  @Test
  void theHysteresisIsLowBelowTheFloorThenUntilTheResumeLevel() {
    assertThat(FreeSpaceWatch.lowAfter(false, 99, 100, 125)).isTrue();
    assertThat(FreeSpaceWatch.lowAfter(false, 100, 100, 125)).isFalse();
    assertThat(FreeSpaceWatch.lowAfter(true, 124, 100, 125)).isTrue();
    assertThat(FreeSpaceWatch.lowAfter(true, 125, 100, 125)).isFalse();
  }

  private FreeSpaceWatch.Reading at(long bytes) {
    free.set(bytes);
    return watch.check();
  }
}
