package io.tandem.capture.rtp;

import java.util.ArrayList;
import java.util.function.Consumer;

/**
 * Streams whose next datagram is expected at a known tick (one receive interval each), so that they
 * are read then without asking the selector: a timing wheel of {@link #SLOTS} slots. A stream is
 * due at most {@code SLOTS - 1} ticks ahead, and is handed out once, at the first take that reaches
 * its tick. Confined to its capture thread.
 */
final class PollWheel {
  static final int SLOTS = 64;

  @SuppressWarnings("unchecked")
  private final ArrayList<StreamTimeline>[] slots = new ArrayList[SLOTS];
  private ArrayList<StreamTimeline> spare = new ArrayList<>();
  private long lastTick = Long.MIN_VALUE;
  private int size;

  PollWheel() {
    for (int i = 0; i < SLOTS; i++) {
      slots[i] = new ArrayList<>();
    }
  }

  /** Puts {@code stream} at {@code tick}, held to the ticks after the last take and before a full turn. */
  void schedule(StreamTimeline stream, long tick) {
    long earliest = lastTick == Long.MIN_VALUE ? tick : lastTick + 1;
    long due = Math.min(Math.max(tick, earliest), earliest + SLOTS - 1);
    stream.pace.dueTick = due;
    slots[(int) (due & (SLOTS - 1))].add(stream);
    size++;
  }

  int size() {
    return size;
  }

  /**
   * Hands {@code poll} every stream due at or before {@code tick}, oldest first. A stream that
   * {@code poll} schedules again is not handed out in the same take.
   */
  void takeDue(long tick, Consumer<StreamTimeline> poll) {
    long from = lastTick == Long.MIN_VALUE ? tick - SLOTS + 1 : Math.max(lastTick + 1, tick - SLOTS + 1);
    lastTick = Math.max(lastTick, tick);
    for (long t = from; t <= tick; t++) {
      int index = (int) (t & (SLOTS - 1));
      ArrayList<StreamTimeline> slot = slots[index];
      if (slot.isEmpty()) {
        continue;
      }
      slots[index] = spare;
      for (int i = 0; i < slot.size(); i++) {
        StreamTimeline stream = slot.get(i);
        size--;
        if (stream.pace.dueTick > tick) {
          // Scheduled by this take for a later turn of the wheel.
          slots[index].add(stream);
          size++;
        } else {
          poll.accept(stream);
        }
      }
      slot.clear();
      spare = slot;
    }
  }
}
