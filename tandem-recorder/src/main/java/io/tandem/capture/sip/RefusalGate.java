package io.tandem.capture.sip;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * How often a recorder spends work on what it refuses: at most {@code perSecond} answers (a 403 to a source
 * outside the allow-list) or log lines a second; the rest is only counted. A flood of spoofed datagrams then
 * costs a counter each and cannot turn the recorder into a reflector. Thread-safe, lock-free.
 */
final class RefusalGate {
  private final int perSecond;
  private final LongSupplier nanoTime;
  private final AtomicLong window = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong used = new AtomicLong();

  RefusalGate(int perSecond) {
    this(perSecond, System::nanoTime);
  }

  RefusalGate(int perSecond, LongSupplier nanoTime) {
    this.perSecond = perSecond;
    this.nanoTime = nanoTime;
  }

  /** Whether one more may be spent in the current second. */
  boolean tryPass() {
    long second = nanoTime.getAsLong() / 1_000_000_000L;
    long current = window.get();
    if (current != second && window.compareAndSet(current, second)) {
      used.set(0);
    }
    return used.incrementAndGet() <= perSecond;
  }
}
