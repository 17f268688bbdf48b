package io.tandem.notification;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one target's {@link DeliveryLoop} on a virtual thread of its own until stopped. Stopping lets an attempt
 * under way end (so that a delivered event gets its mark) and interrupts it only if it takes longer than a grace
 * period. Thread-safe.
 */
final class DeliveryWorker {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final DeliveryLoop loop;
  private final Object wake = new Object();
  private final Thread thread;
  private volatile boolean stopping;

  DeliveryWorker(DeliveryLoop loop) {
    this.loop = loop;
    this.thread = Thread.ofVirtual().name("notify-" + loop.name()).unstarted(this::run);
  }

  DeliveryWorker start() {
    thread.start();
    return this;
  }

  DeliveryLoop loop() {
    return loop;
  }

  private void run() {
    try {
      while (!stopping) {
        Duration wait = loop.step();
        if (!wait.isZero()) {
          synchronized (wake) {
            if (!stopping) {
              wake.wait(Math.max(1, wait.toMillis()));
            }
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      LOG.error("notification target {}: delivery stopped", loop.name(), e);
    } finally {
      loop.closeSender();
    }
  }

  void stop() {
    signalStop();
    awaitStop();
  }

  /** Asks the loop to stop after the attempt under way, without waiting. */
  void signalStop() {
    stopping = true;
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  /** Waits for the loop to stop, interrupting it after the grace period. */
  void awaitStop() {
    try {
      if (!thread.join(STOP_GRACE)) {
        thread.interrupt();
        thread.join(STOP_GRACE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
