package io.tandem.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.call.CallState;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.callbuffer.LocalStoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeferredEndsTest {
  private final DeferredEnds ends = new DeferredEnds();
  private final List<Inum> written = new ArrayList<>();

  @Test
  void waitingEndsAreWrittenInTheOrderTheyCameAndStopAtTheFirstRefusal() {
    ends.add(end(1));
    ends.add(end(2));
    ends.add(end(3));

    int first = ends.writeWaiting(end -> {
      if (end.inum().equals(inum(2))) {
        throw new LocalStoreException("local store failed: database or disk is full", null);
      }
      written.add(end.inum());
    });

    assertThat(first).isEqualTo(1);
    assertThat(ends.size()).isEqualTo(2);
    assertThat(ends.writeWaiting(end -> written.add(end.inum()))).isEqualTo(2);
    assertThat(written).containsExactly(inum(1), inum(2), inum(3));
    assertThat(ends.isEmpty()).isTrue();
  }

  private static DeferredEnds.End end(int sequence) {
    return new DeferredEnds.End(inum(sequence), Instant.parse("2026-12-02T10:00:00Z"), CallState.COMPLETE,
        MediaStats.NONE, List.of());
  }

  private static Inum inum(int sequence) {
    return Inum.parse(String.format("100001%09d", sequence));
  }
}
