package io.tandem.workflow;

import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consolidation step run again and again on a thread of its own, so that the slow archive copies never
 * hold up marking. It runs while there is work, waits for a wake-up (or the idle time, or its backoff) when
 * there is none, backs off on errors, logs them and carries on. {@link #wakeUp} is safe from any thread.
 */
final class StepThread {
  private static final Logger LOG = LoggerFactory.getLogger(StepThread.class);

  /** The step: consolidates promoted entries only when asked; returns whether there was anything to do. */
  @FunctionalInterface
  interface Step {
    boolean run(boolean promotedOnly) throws RetryLater;
  }

  private final String name;
  private final Step step;
  private final BooleanSupplier promotedOnly;
  private final BiConsumer<RetryLater, Long> onRetryLater;
  private final Runnable afterWork;
  private final ConsolidationCounters counters;
  private final Clock clock;
  private final Backoff backoff = new Backoff();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition signal = lock.newCondition();
  private boolean wakeRequested;
  private volatile boolean running;
  private Thread thread;

  StepThread(String name, Step step, BooleanSupplier promotedOnly, BiConsumer<RetryLater, Long> onRetryLater,
      Runnable afterWork, ConsolidationCounters counters, Clock clock) {
    this.name = name;
    this.step = step;
    this.promotedOnly = promotedOnly;
    this.onRetryLater = onRetryLater;
    this.afterWork = afterWork;
    this.counters = counters;
    this.clock = clock;
  }

  void start() {
    running = true;
    thread = Thread.ofPlatform().name(name).daemon(true).start(this::runLoop);
  }

  /** Stops the thread after the step in progress and waits for it to end. */
  void stop() throws InterruptedException {
    running = false;
    wakeUp();
    thread.join();
  }

  void wakeUp() {
    lock.lock();
    try {
      wakeRequested = true;
      signal.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void runLoop() {
    while (running) {
      if (runOnce()) {
        afterWork.run();
      } else {
        awaitWork();
      }
    }
  }

  private boolean runOnce() {
    long now = clock.millis();
    if (!backoff.ready(now)) {
      return false;
    }
    try {
      boolean worked = step.run(promotedOnly.getAsBoolean());
      backoff.succeeded();
      return worked;
    } catch (RetryLater e) {
      long delay = backoff.failed(now);
      counters.addRetry();
      LOG.warn("{} will retry {} entries in {} ms: {}", name, e.inums().size(), delay, e.getMessage());
      onRetryLater.accept(e, now + delay);
    } catch (RuntimeException e) {
      long delay = backoff.failed(now);
      counters.addRetry();
      LOG.error("{} failed, retrying in {} ms", name, delay, e);
    }
    return false;
  }

  private void awaitWork() {
    long wait = Consolidator.IDLE_WAIT_MILLIS;
    long remaining = backoff.remaining(clock.millis());
    if (remaining > 0) {
      wait = Math.min(wait, remaining);
    }
    lock.lock();
    try {
      if (!wakeRequested && running) {
        signal.await(wait, TimeUnit.MILLISECONDS);
      }
      wakeRequested = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } finally {
      lock.unlock();
    }
  }
}
