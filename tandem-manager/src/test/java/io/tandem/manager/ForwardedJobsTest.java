package io.tandem.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.admin.JobKind;
import io.tandem.admin.JobState;
import io.tandem.admin.RecorderClients;
import io.tandem.call.Position;
import io.tandem.call.Role;
import io.tandem.database.PairView;
import io.tandem.database.RecorderView;
import io.tandem.json.Json;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ForwardedJobsTest {
  private static final Instant FROM = Instant.parse("2026-11-26T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-11-27T00:00:00Z");

  private final FakeRecorder recorder = newRecorder();
  private final String closedUrl = "http://127.0.0.1:" + closedPort();
  private final RecorderClients clients = new RecorderClients(Duration.ofSeconds(2));
  private final ForwardedJobs jobs = new ForwardedJobs(() -> List.of(new PairView("pair-j", 1, 900, "never", "promote",
      2000, List.of(
      new RecorderView("100001", Position.MAIN, Role.PRIMARY, recorder.adminUrl(), "127.0.0.1:5060"),
      new RecorderView("100002", Position.BACKUP, Role.SECONDARY, closedUrl, "127.0.0.1:5062")))), clients);

  @AfterEach
  void stopRecorder() {
    recorder.close();
    clients.close();
  }

  @Test
  void reprocessIsForwardedAndItsJobReadThroughFromTheRecorder() throws Exception {
    String id = jobs.start("100001", FROM, TO, "ann@desk");

    assertThat(Json.MAPPER.readTree(recorder.lastReprocessBody)).isEqualTo(Json.MAPPER.readTree(
        "{\"from\":\"2026-11-26T00:00:00Z\",\"to\":\"2026-11-27T00:00:00Z\",\"actor\":\"ann@desk\"}"));
    assertThat(jobs.job(id).orElseThrow().state()).isEqualTo(JobState.RUNNING);

    recorder.jobs.put("job-1", "{\"id\":\"job-1\",\"state\":\"DONE\",\"progress\":{\"scanned\":10,\"total\":10,"
        + "\"matched\":7,\"added\":0,\"alreadyPresent\":0},\"summary\":\"Reprocess done: scanned 10, reprocessed 7, "
        + "in 0.1 s\",\"error\":null}");
    ForwardedJobView done = jobs.job(id).orElseThrow();
    assertThat(done.state()).isEqualTo(JobState.DONE);
    assertThat(done.serial()).isEqualTo("100001");
    assertThat(done.summary()).isEqualTo("Reprocess done: scanned 10, reprocessed 7, in 0.1 s");
    assertThat(done.progress().matched()).isEqualTo(7);
  }

  @Test
  void aRecorderThatCannotBeAskedForItsJobsHoldsEveryMonth() throws Exception {
    // 100001 answers with no job; 100002 does not answer.
    assertThat(jobs.pendingMarking(FROM, TO)).hasValueSatisfying(why -> assertThat(why)
        .startsWith("recorder 100002 cannot be asked whether a job of it may mark calls of these months ("));
  }

  @Test
  void aRebuildIsCheckedByTheShellsGrammarForwardedAsTypedAndReadThrough() throws Exception {
    String id = jobs.startRebuild("100001", "  rebuild fix true false 20261126000000  ", "ann");

    assertThat(Json.MAPPER.readTree(recorder.lastRebuildBody)).isEqualTo(Json.MAPPER.readTree(
        "{\"command\":\"rebuild fix true false 20261126000000\",\"actor\":\"ann\"}"));
    ForwardedJobView job = jobs.job(id).orElseThrow();
    assertThat(job.kind()).isEqualTo(JobKind.REBUILD);
    assertThat(job.state()).isEqualTo(JobState.RUNNING);
    assertThat(jobs.job(jobs.start("100001", FROM, TO, "ann")).orElseThrow().kind()).isEqualTo(JobKind.REPROCESS);
  }

  private static final JobRefusedException.Reason MALFORMED = JobRefusedException.Reason.MALFORMED_COMMAND;

  @Test
  void aCommandTheShellWouldRefuseIsRefusedWithItsLineAndNothingIsSent() {
    assertRefused(() -> jobs.startRebuild("100001", "Rebuild Sometimes", "ann"), MALFORMED,
        "'command': expected Full or Fix");
    assertRefused(() -> jobs.startRebuild("100001", "status", "ann"), MALFORMED, "must be a WorkflowShell Rebuild");
    assertRefused(() -> jobs.startRebuild("100001", "", "ann"), MALFORMED, "expected a command");
    assertThat(recorder.lastRebuildBody).isNull();
    assertRefused(() -> jobs.startRebuild("999999", "Rebuild Fix", "ann"), JobRefusedException.Reason.NO_SUCH_RECORDER,
        "no recorder with serial 999999");
  }

  @Test
  void endedJobStaysKnownAfterItsRecorderForgetsIt() throws Exception {
    String id = jobs.start("100001", FROM, TO, "ann@desk");
    recorder.jobs.put("job-1", "{\"id\":\"job-1\",\"state\":\"DONE\",\"progress\":{},\"summary\":\"done\"}");
    jobs.job(id);

    recorder.jobs.clear();

    assertThat(jobs.job(id).orElseThrow().summary()).isEqualTo("done");
  }

  @Test
  void runningJobForgottenByItsRecorderIsFailed() throws Exception {
    String id = jobs.start("100001", FROM, TO, "ann@desk");
    recorder.jobs.clear();

    ForwardedJobView lost = jobs.job(id).orElseThrow();

    assertThat(lost.state()).isEqualTo(JobState.FAILED);
    assertThat(lost.error()).contains("no longer knows job job-1", "again is safe");
  }

  @Test
  void refusalsSayWhyInTheCoresTerms() {
    assertRefused(() -> jobs.start("999999", FROM, TO, "ann"), JobRefusedException.Reason.NO_SUCH_RECORDER,
        "no recorder with serial 999999");
    assertRefused(() -> jobs.start("100002", FROM, TO, "ann"), JobRefusedException.Reason.RECORDER_UNREACHABLE,
        "recorder 100002 at " + closedUrl + " is unreachable");
    recorder.reprocessStatus = 409;
    assertRefused(() -> jobs.start("100001", FROM, TO, "ann"), JobRefusedException.Reason.RECORDER_BUSY,
        "a rebuild is already running: job-0");
  }

  @Test
  void unknownManagerJobIsEmpty() throws Exception {
    assertThat(jobs.job("nope")).isEmpty();
  }

  private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
      JobRefusedException.Reason reason, String message) {
    assertThatThrownBy(call).isInstanceOf(JobRefusedException.class).hasMessageContaining(message)
        .satisfies(e -> assertThat(((JobRefusedException) e).reason()).isEqualTo(reason));
  }

  private static FakeRecorder newRecorder() {
    try {
      return new FakeRecorder(new byte[0]);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
