package io.tandem.redundancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.database.LeaderFence;
import io.tandem.database.LeaseLostException;
import io.tandem.database.LeaseView;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LeadershipTest {
  private static final Duration LEASE = Duration.ofSeconds(3);
  private static final long MS = 1_000_000L;

  private final AtomicLong now = new AtomicLong(1_000 * MS);
  private final SharedLease lease = new SharedLease();

  @Test
  void aFreeLeaseIsTakenAtTheFirstStepAndKeptWhileRenewed() {
    Leadership a = leadership("http://a", lease.reachable());
    a.step();
    assertThat(a.acting()).isTrue();
    assertThat(lease.epoch).isEqualTo(1);
    for (int i = 0; i < 20; i++) {
      now.addAndGet(500 * MS);
      a.step();
      assertThat(a.acting()).as("renewed every step").isTrue();
    }
    assertThat(lease.epoch).as("renewals keep the epoch").isEqualTo(1);
    assertThat(a.leaderUrl()).contains("http://a");
  }

  @Test
  void aStandbyDoesNotTakeALeaseThatIsRenewed() {
    Leadership a = leadership("http://a", lease.reachable());
    Leadership b = leadership("http://b", lease.reachable());
    a.step();
    for (int i = 0; i < 40; i++) {
      now.addAndGet(500 * MS);
      a.step();
      b.step();
      assertThat(b.acting()).isFalse();
    }
    assertThat(b.leaderUrl()).as("the standby says who leads").contains("http://a");
  }

  @Test
  void aStandbyTakesOnlyAfterAWholeLeaseWithoutARenewal() {
    Leadership a = leadership("http://a", lease.reachable());
    Leadership b = leadership("http://b", lease.reachable());
    a.step();
    b.step();
    long lastRenewal = now.get();
    // a dies: it steps no more.
    while (!b.acting()) {
      now.addAndGet(100 * MS);
      b.step();
    }
    assertThat(now.get() - lastRenewal).isGreaterThanOrEqualTo(LEASE.toNanos())
        .isLessThanOrEqualTo(LEASE.toNanos() + 100 * MS);
    assertThat(lease.epoch).as("a new holder, a new epoch").isEqualTo(2);
  }

  @Test
  void aHolderThatLosesTheDatabaseStopsActingAThirdOfALeaseBeforeAStandbyCanTake() {
    Reach reachA = lease.reachable();
    Leadership a = leadership("http://a", reachA);
    Leadership b = leadership("http://b", lease.reachable());
    a.step();
    b.step();
    reachA.up = false;
    long stoppedAt = -1;
    while (!b.acting()) {
      now.addAndGet(10 * MS);
      a.step();
      b.step();
      if (stoppedAt < 0 && !a.acting()) {
        stoppedAt = now.get();
      }
      assertThat(a.acting() && b.acting()).as("both acting at once").isFalse();
    }
    assertThat(now.get() - stoppedAt).as("the gap between a stopping and b starting")
        .isGreaterThanOrEqualTo(LEASE.toNanos() / 3);
    reachA.up = true;
    a.step();
    assertThat(a.acting()).as("its renewal fails: the lease is b's now").isFalse();
    a.step();
    assertThat(a.leaderUrl()).contains("http://b");
  }

  @Test
  void aHolderResumedAfterAPausePastItsLeaseNamesNoLeaderUntilItReadsTheLease() {
    Leadership a = leadership("http://a", lease.reachable());
    Leadership b = leadership("http://b", lease.reachable());
    a.step();
    b.step();
    now.addAndGet(LEASE.toNanos() + 100 * MS);
    b.step();
    assertThat(b.acting()).as("b took the lease while a was paused").isTrue();

    assertThat(a.acting()).isFalse();
    assertThat(a.leaderUrl()).as("not itself: its lease ran out").isEmpty();
    a.step();
    a.step();
    assertThat(a.leaderUrl()).contains("http://b");
  }

  @Test
  void aRefusedWriteEndsActingAtOnceAndNamesTheHolderTheDatabaseShowed() {
    Leadership a = leadership("http://a", lease.reachable());
    a.step();
    LeaderFence held = a.fence().orElseThrow();

    a.lost(new LeaseLostException(new LeaderFence("another Manager's id", held.epoch()), "http://c", 9));
    assertThat(a.acting()).as("a refusal of another holder's write changes nothing").isTrue();
    a.lost(new LeaseLostException(held, "http://b", held.epoch() + 1));

    assertThat(a.acting()).isFalse();
    assertThat(a.fence()).isEmpty();
    assertThat(a.leaderUrl()).contains("http://b");
  }

  @Test
  void noSchedulingOfStepsLatenciesAndOutagesLetsTwoManagersActAtOnce() {
    Random random = new Random(15);
    for (int run = 0; run < 200; run++) {
      SharedLease shared = new SharedLease();
      List<Reach> reaches = new ArrayList<>();
      List<Leadership> managers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Reach reach = shared.reachable();
        reaches.add(reach);
        String url = "http://m" + i;
        managers.add(new Leadership(shared.store(reach), () -> url, LEASE, now::get));
      }
      shared.checkOnTake = () -> assertThat(managers.stream().filter(Leadership::acting).count())
          .as("a lease taken while its holder still acts").isZero();
      int takes = 0;
      for (int i = 0; i < 400; i++) {
        now.addAndGet(random.nextInt(800) * MS);
        Reach reach = reaches.get(random.nextInt(reaches.size()));
        reach.up = random.nextInt(5) > 0;
        reach.latencyNanos = random.nextInt(4) == 0 ? random.nextInt(1500) * MS : 0;
        long before = shared.epoch;
        managers.get(random.nextInt(managers.size())).step();
        takes += shared.epoch > before ? 1 : 0;
        assertThat(managers.stream().filter(Leadership::acting).count()).isLessThanOrEqualTo(1);
      }
      assertThat(takes).as("the lease changed hands in run %d", run).isGreaterThan(0);
    }
  }

  @Test
  void aReleasedLeaseIsTakenAtTheStandbysNextStep() {
    Leadership a = leadership("http://a", lease.reachable());
    Leadership b = leadership("http://b", lease.reachable());
    a.step();
    b.step();
    a.close();
    assertThat(a.acting()).isFalse();
    now.addAndGet(500 * MS);
    b.step();
    assertThat(b.acting()).isTrue();
  }

  @Test
  void theListenerHearsOfEachStartAndStopOnce() {
    Reach reach = lease.reachable();
    Leadership a = leadership("http://a", reach);
    List<String> heard = new ArrayList<>();
    a.listener(new Leadership.Listener() {
      @Override
      public void started(long epoch) {
        heard.add("started " + epoch);
      }

      @Override
      public void stopped(String why) {
        heard.add("stopped");
      }
    });
    a.step();
    a.step();
    reach.up = false;
    for (int i = 0; i < 10; i++) {
      now.addAndGet(500 * MS);
      a.step();
    }
    reach.up = true;
    a.step();
    assertThat(heard).containsExactly("started 1", "stopped", "started 1");
  }

  @Test
  void aLeaseTooShortIsRefused() {
    assertThatThrownBy(() -> new Leadership(lease.store(lease.reachable()), () -> "http://a", Duration.ofMillis(10),
        now::get)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 60ms");
  }

  private Leadership leadership(String url, Reach reach) {
    return new Leadership(lease.store(reach), () -> url, LEASE, now::get);
  }

  /** Whether one Manager reaches the database, and how long its statements take, on the test's clock. */
  private static final class Reach {
    volatile boolean up = true;
    volatile long latencyNanos;
  }

  /** The one lease row, as the call database keeps it: each write a compare and set. */
  private final class SharedLease {
    String holderId;
    String holderUrl;
    long epoch;
    long renewals;
    Runnable checkOnTake = () -> { };

    Reach reachable() {
      return new Reach();
    }

    Leadership.LeaseStore store(Reach reach) {
      return new Leadership.LeaseStore() {
        @Override
        public LeaseView read() throws SQLException {
          return reached(reach, () -> new LeaseView(holderId, holderUrl, epoch, renewals));
        }

        @Override
        public OptionalLong take(String id, String url, long seenRenewals) throws SQLException {
          return reached(reach, () -> {
            if (renewals != seenRenewals) {
              return OptionalLong.empty();
            }
            checkOnTake.run();
            holderId = id;
            holderUrl = url;
            epoch++;
            renewals++;
            return OptionalLong.of(epoch);
          });
        }

        @Override
        public boolean renew(String id, long heldEpoch) throws SQLException {
          return reached(reach, () -> {
            boolean holds = id.equals(holderId) && heldEpoch == epoch;
            renewals += holds ? 1 : 0;
            return holds;
          });
        }

        @Override
        public boolean release(String id, long heldEpoch) throws SQLException {
          return reached(reach, () -> {
            if (!id.equals(holderId) || heldEpoch != epoch) {
              return false;
            }
            holderId = null;
            holderUrl = null;
            renewals++;
            return true;
          });
        }
      };
    }

    /** The statement reaches the row after half its latency and answers after the other half. */
    private <T> T reached(Reach reach, java.util.function.Supplier<T> write) throws SQLException {
      if (!reach.up) {
        throw new SQLException("connection refused");
      }
      now.addAndGet(reach.latencyNanos / 2);
      T result = write.get();
      now.addAndGet(reach.latencyNanos / 2);
      return result;
    }
  }
}
