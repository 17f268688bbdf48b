package io.tandem.rebuild;

import io.tandem.admin.JobState;
import io.tandem.admin.JobKind;
import io.tandem.admin.JobView;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobRunnerTest {
  private final List<String> auditRows = new CopyOnWriteArrayList<>();
  private final AuditTrail audit = new AuditTrail((actor, action, detail, result) ->
      auditRows.add(actor + "|" + action + "|" + detail + "|" + result),
      e -> e instanceof SQLTransientConnectionException, Duration.ofMillis(10));
  private final JobRunner runner = new JobRunner(audit, Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"),
      ZoneOffset.UTC));
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    runner.close();
    audit.close();
  }

  @Test
  void secondJobWhileOneRunsIsRefusedNamingTheRunningJob() {
    JobView first = runner.start(JobKind.REBUILD, "Rebuild Fix", "Rebuild Fix true true", "ann@desk",
        progress -> release.await());

    assertThatThrownBy(() -> runner.start(JobKind.REPROCESS, "Reprocess", "Reprocess a b", "bob@desk", p -> { }))
        .isInstanceOf(JobConflictException.class)
        .hasMessage("a rebuild is already running: " + first.id() + " Rebuild Fix true true");
    release.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> runner.job(first.id()).orElseThrow().state() == JobState.DONE);
    JobView next = runner.start(JobKind.REPROCESS, "Reprocess", "Reprocess a b", "bob@desk", p -> { });
    assertThat(next.id()).isNotEqualTo(first.id());
  }

  @Test
  void doneJobCarriesItsSummaryAndIsAudited() {
    JobView started = runner.start(JobKind.REBUILD, "Rebuild Fix", "Rebuild Fix true true", "ann@desk", progress -> {
      progress.total(1200);
      progress.page(1200, 800, 12, 788);
    });

    await().atMost(Duration.ofSeconds(5)).until(() -> auditRows.size() == 1);
    JobView done = runner.job(started.id()).orElseThrow();
    assertThat(done.state()).isEqualTo(JobState.DONE);
    assertThat(done.summary())
        .isEqualTo("Rebuild Fix done: scanned 1200, matched 800, added 12, already present 788, in 0.0 s");
    assertThat(done.finishedAt()).isNotNull();
    assertThat(auditRows).containsExactly("ann@desk|rebuild|Rebuild Fix true true|" + done.summary());
  }

  @Test
  void failedJobKeepsItsErrorAndFreesTheRunner() {
    JobView started = runner.start(JobKind.REPROCESS, "Reprocess", "Reprocess a b", "ann@desk", progress -> {
      throw new IllegalStateException("local store is full");
    });

    await().atMost(Duration.ofSeconds(5)).until(() -> auditRows.size() == 1);
    JobView failed = runner.job(started.id()).orElseThrow();
    assertThat(failed.state()).isEqualTo(JobState.FAILED);
    assertThat(failed.error()).isEqualTo("local store is full");
    assertThat(failed.summary()).isNull();
    assertThat(auditRows.getFirst()).endsWith("|reprocess|Reprocess a b|Reprocess failed: local store is full");
    runner.start(JobKind.REPROCESS, "Reprocess", "Reprocess a b", "ann@desk", p -> { });
  }

  @Test
  void keepsTheLastFiftyJobsNewestFirst() {
    String last = null;
    for (int i = 0; i < JobRunner.KEPT + 5; i++) {
      last = runner.start(JobKind.REPROCESS, "Reprocess", "Reprocess " + i, "ann@desk", p -> { }).id();
      String id = last;
      await().pollInterval(Duration.ofMillis(2)).atMost(Duration.ofSeconds(5))
          .until(() -> runner.job(id).orElseThrow().state() == JobState.DONE);
    }

    List<JobView> recent = runner.recent();
    assertThat(recent).hasSize(JobRunner.KEPT);
    assertThat(recent.getFirst().id()).isEqualTo(last);
    assertThat(recent.getLast().command()).isEqualTo("Reprocess 5");
  }
}
