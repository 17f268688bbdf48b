package io.tandem.shell;

import io.tandem.admin.RecorderClient;
import static io.tandem.shell.FakeRecorder.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ShellSessionTest {
  private static final String SUMMARY = "Rebuild Fix done: scanned 1200, matched 800, added 12, already present 788, in 0.4 s";
  private final FakeRecorder recorder = fakeRecorder();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @AfterEach
  void stopRecorder() {
    recorder.close();
  }

  @Test
  void fixRebuildShowsProgressAndEndsWithTheSummary() throws IOException {
    recorder.answerRebuild(202, job("RUNNING", 0, 1200, 0, 0, 0, null, null));
    recorder.thenJob(job("RUNNING", 600, 1200, 400, 6, 394, null, null),
        job("RUNNING", 1200, 1200, 800, 12, 788, null, null), job("DONE", 1200, 1200, 800, 12, 788, SUMMARY, null));

    assertThat(session(recorder.url()).run("rebuild fix TRUE true")).isEqualTo(ShellSession.Outcome.OK);

    assertThat(out.toString())
        .contains("\r[###############---------------]  50%  scanned 600 of 1200, matched 400, added 6, already present 394")
        .contains("\r[##############################] 100%  scanned 1200 of 1200")
        .endsWith("\r" + SUMMARY + System.lineSeparator());
    assertThat(err.toString()).isEmpty();
    assertThat(recorder.rebuildRequests).hasSize(1);
    assertThat(Json.MAPPER.readValue(recorder.rebuildRequests.get(0), Map.class))
        .isEqualTo(Map.of("command", "rebuild fix TRUE true", "actor", "ann@desk"));
  }

  @Test
  void rebuildThatIsDoneAtOnceShowsOnlyTheSummary() {
    recorder.answerRebuild(202, job("DONE", 0, 0, 0, 0, 0, "Rebuild Fix done: scanned 0, matched 0, added 0, already present 0, in 0.0 s", null));

    assertThat(session(recorder.url()).run("Rebuild Fix")).isEqualTo(ShellSession.Outcome.OK);

    assertThat(out.toString()).isEqualTo("Rebuild Fix done: scanned 0, matched 0, added 0, already present 0, in 0.0 s"
        + System.lineSeparator());
  }

  @Test
  void rebuildAlreadyRunningFailsWithTheRecordersLine() {
    recorder.answerRebuild(409, "{\"error\":\"a rebuild is already running: job-0 Rebuild Full true true\"}");

    assertThat(session(recorder.url()).run("Rebuild Fix true true")).isEqualTo(ShellSession.Outcome.FAILED);

    assertThat(err.toString()).isEqualTo("a rebuild is already running: job-0 Rebuild Full true true" + System.lineSeparator());
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void failedJobFailsWithItsError() {
    recorder.answerRebuild(202, job("RUNNING", 0, 10, 0, 0, 0, null, null));
    recorder.thenJob(job("FAILED", 4, 10, 4, 1, 3, null, "the call buffer index cannot be read"));

    assertThat(session(recorder.url()).run("Rebuild Full")).isEqualTo(ShellSession.Outcome.FAILED);

    assertThat(err.toString()).isEqualTo("rebuild job job-1 FAILED: the call buffer index cannot be read"
        + System.lineSeparator());
  }

  @Test
  void syntaxErrorIsOneLineAndSendsNothing() {
    assertThat(session(recorder.url()).run("Rebuild Fixx true")).isEqualTo(ShellSession.Outcome.FAILED);

    assertThat(err.toString()).isEqualTo("expected Full or Fix after Rebuild, got 'Fixx'" + System.lineSeparator());
    assertThat(recorder.rebuildRequests).isEmpty();
  }

  @Test
  void pipedLinesAllRunAndOneFailureFailsTheWhole() {
    int status = session(recorder.url()).runAll(lines("status\nRebuild Fixx\n\nhelp\n"));

    assertThat(status).isEqualTo(1);
    assertThat(out.toString()).contains("Recorder 100001").contains("help rebuild");
    assertThat(err.toString().lines()).containsExactly("expected Full or Fix after Rebuild, got 'Fixx'",
        "expected a command: help, rebuild, status, quit");
  }

  @Test
  void pipedLinesThatAllWorkSucceedAndTheFinalNewlineIsNoLine() {
    assertThat(session(recorder.url()).runAll(lines("help\nstatus\n"))).isZero();
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void quitStopsReadingPipedLines() {
    assertThat(session(recorder.url()).runAll(lines("help\nquit\nRebuild Fixx\n"))).isZero();
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void helpRebuildNamesTheRecordersTimeZone() {
    assertThat(session(recorder.url()).run("help rebuild")).isEqualTo(ShellSession.Outcome.OK);

    assertThat(out.toString()).contains("in the recorder's time zone: Europe/Paris.")
        .contains("IncMasterCalls  true or false: include calls recorded as primary (default true)")
        .contains("default: the oldest call in the buffer").contains("(default: now)")
        .contains("YYYYMMDDhhmmss[.ffff]").contains("Example: Rebuild Fix true true")
        .contains("INUMs already in the Workflow are not touched")
        .contains("nothing\n                  is marked until the Recorder Manager reprocesses a call date range")
        .contains("a Full cut by a stop or a crash is\n                  finished by the recorder when it starts again");
  }

  @Test
  void statusShowsRoleEpochBufferSpanInTheRecordersZoneAndWorkflowStates() {
    assertThat(session(recorder.url()).run("status")).isEqualTo(ShellSession.Outcome.OK);

    assertThat(out.toString().lines()).containsExactly(
        "Recorder 100001 (MAIN of pair-1): role PRIMARY, epoch 3, registered",
        "Time zone Europe/Paris, SIP 127.0.0.1:5060, active calls 2",
        "Call buffer: 6 calls, 576000 bytes, calls starting from 20261126143000.1234 to 20261126150000 (Europe/Paris)",
        "Workflow: PENDING 1, ARCHIVING 0, DONE 5, FAILED 0, AWAITING_REPROCESS 0");
  }

  @Test
  void promptNamesTheRecordersSerial() {
    assertThat(session(recorder.url()).prompt()).isEqualTo("WorkflowShell 100001> ");
  }

  @Test
  void unreachableRecorderGivesOneLineNamingItsUrl() throws IOException {
    URI closed = closedPort();
    ShellSession session = session(closed);

    assertThat(session.run("status")).isEqualTo(ShellSession.Outcome.FAILED);
    assertThat(session.run("Rebuild Fix true true")).isEqualTo(ShellSession.Outcome.FAILED);

    String line = "cannot reach the recorder at http://127.0.0.1:" + closed.getPort() + " (connection refused or no route)";
    assertThat(err.toString().lines()).containsExactly(line, line);
  }

  @Test
  void plainProgressPrintsAtMostOneLinePerInterval() {
    recorder.answerRebuild(202, job("RUNNING", 0, 100, 0, 0, 0, null, null));
    for (int scanned = 10; scanned < 100; scanned += 10) {
      recorder.thenJob(job("RUNNING", scanned, 100, scanned, 0, scanned, null, null));
    }
    recorder.thenJob(job("DONE", 100, 100, 100, 0, 100, "Rebuild Fix done", null));
    TickingClock clock = new TickingClock(Duration.ofSeconds(1));
    ShellSession session = new ShellSession(RecorderClient.of(recorder.url(), Duration.ofSeconds(5)), writer(out),
        writer(err), ProgressReporter.plain(clock, Duration.ofSeconds(5)), Duration.ZERO, "ann@desk");

    assertThat(session.run("Rebuild Fix")).isEqualTo(ShellSession.Outcome.OK);

    assertThat(out.toString().lines()).containsExactly(
        "Rebuild running: 0%, scanned 0 of 100, matched 0, added 0, already present 0",
        "Rebuild running: 50%, scanned 50 of 100, matched 50, added 0, already present 50",
        "Rebuild Fix done");
  }

  private ShellSession session(URI url) {
    return new ShellSession(RecorderClient.of(url, Duration.ofSeconds(5)), writer(out), writer(err),
        ProgressReporter.terminal(), Duration.ZERO, "ann@desk");
  }

  private static PrintWriter writer(StringWriter target) {
    return new PrintWriter(target, true);
  }

  private static BufferedReader lines(String text) {
    return new BufferedReader(new StringReader(text));
  }

  private static URI closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
  }

  private static FakeRecorder fakeRecorder() {
    try {
      return new FakeRecorder();
    } catch (IOException e) {
      throw new IllegalStateException("the fake recorder did not start", e);
    }
  }
}
