package io.tandem.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a Recorder Manager says of its RRC ("acting", "standby", or null when it does not answer), asked every 20 ms on
 * a thread of its own until stopped, each answer kept with the {@link System#nanoTime} at which it was asked.
 * Thread-safe.
 */
final class RrcSamples {
  private record Sample(long askedAt, String said) {}

  private final List<Sample> samples = new ArrayList<>();
  private final Thread thread;
  private volatile boolean stopped;

  private RrcSamples(Supplier<String> ask) {
    thread = Thread.ofVirtual().name("rrc-samples").start(() -> {
      while (!stopped) {
        long askedAt = System.nanoTime();
        String said = ask.get();
        synchronized (samples) {
          samples.add(new Sample(askedAt, said));
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  static RrcSamples start(Supplier<String> ask) {
    return new RrcSamples(ask);
  }

  void stop() throws InterruptedException {
    stopped = true;
    thread.join();
  }

  /** When the last question answered {@code said} was asked. */
  Optional<Long> lastAsked(String said) {
    synchronized (samples) {
      return samples.reversed().stream().filter(sample -> Objects.equals(said, sample.said())).findFirst()
          .map(Sample::askedAt);
    }
  }

  /** When the first question answered {@code said} was asked. */
  Optional<Long> firstAsked(String said) {
    synchronized (samples) {
      return samples.stream().filter(sample -> Objects.equals(said, sample.said())).findFirst().map(Sample::askedAt);
    }
  }
}
