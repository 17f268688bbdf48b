package io.tandem.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs sipp as a real SIP client process: one call of a scenario written into a work directory, against
 * a recorder on loopback, with its errors and message trace kept for assertions. Not thread-safe; each
 * run writes files of its own name.
 */
final class Sipp {
  private static final Duration LIMIT = Duration.ofSeconds(30);
  private static final String PORT_TAKEN = "errno = 98";

  private final Path dir;

  Sipp(Path dir) {
    this.dir = dir;
  }

  /** Fails the calling test when sipp is not installed, unless the run asked to skip the sipp tests. */
  static void require() {
    RealPeers.requireOnPath("sipp", "sipp", "sip-tester");
  }

  /** Fails the calling test unless sipp is installed and may send raw packets, which playing a capture needs (root). */
  static void requireCapturePlay() {
    require();
    RealPeers.requireRoot("sipp", "playing an RTP capture with sipp");
  }

  /** Whether the run asked to skip the sipp tests: their classes then start nothing. */
  static boolean skipped() {
    return RealPeers.skippedByRequest("sipp");
  }

  /** What one sipp run left: its exit status (0 when every call succeeded), errors and message trace. */
  record Result(int exitCode, String errors, String messages) {
    boolean succeeded() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return "sipp exited " + exitCode + "\n--- errors ---\n" + errors + "\n--- messages ---\n" + messages;
    }
  }

  /** Runs one call of {@code scenario} (named {@code name}) over UDP or, with {@code tcp}, TCP. */
  Result call(String name, String scenario, String recorderAddress, boolean tcp)
      throws IOException, InterruptedException {
    return call(name, scenario, recorderAddress, tcp, null);
  }

  /**
   * As {@link #call(String, String, String, boolean)}, the call's {@code [call_id]} being {@code callId} (null for
   * one of sipp's making), so that one INVITE can be sent to two recorders as an SBC forks it.
   */
  Result call(String name, String scenario, String recorderAddress, boolean tcp, String callId)
      throws IOException, InterruptedException {
    Result result = run(name, scenario, recorderAddress, tcp, callId);
    for (int retry = 0; retry < 2 && result.exitCode() != 0 && result.errors().contains(PORT_TAKEN); retry++) {
      // A port found free was taken before sipp bound it, so nothing was sent: run it again on others.
      Files.deleteIfExists(dir.resolve(name + "-errors.log"));
      result = run(name, scenario, recorderAddress, tcp, callId);
    }
    return result;
  }

  private Result run(String name, String scenario, String recorderAddress, boolean tcp, String callId)
      throws IOException, InterruptedException {
    Path xml = Files.writeString(dir.resolve(name + ".xml"), scenario);
    Path errors = dir.resolve(name + "-errors.log");
    Path messages = dir.resolve(name + "-messages.log");
    Path output = dir.resolve(name + "-output.log");
    List<String> command = new ArrayList<>(List.of("sipp", "-sf", xml.toString(), "-m", "1", "-nostdin",
        "-i", "127.0.0.1", "-p", Integer.toString(RecorderProcess.freePort()),
        "-mp", Integer.toString(RecorderProcess.freeMediaPorts()),
        "-timeout", LIMIT.toSeconds() + "s", "-timeout_error",
        "-trace_err", "-error_file", errors.toString(), "-trace_msg", "-message_file", messages.toString()));
    if (tcp) {
      command.addAll(List.of("-t", "t1"));
    }
    if (callId != null) {
      command.addAll(List.of("-cid_str", callId.replace("%", "%%")));
    }
    command.add(recorderAddress);
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    if (!process.waitFor(LIMIT.toSeconds() + 10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      return new Result(-1, "sipp did not end within " + LIMIT + "\n" + read(output) + read(errors), read(messages));
    }
    return new Result(process.exitValue(), read(errors) + read(output), read(messages));
  }

  /**
   * What a load run of sipp left: its exit status, its own count of calls created, succeeded and failed, its
   * errors, and the lines the scenario's log actions wrote.
   */
  record LoadResult(int exitCode, long created, long successful, long failed, String errors, List<String> log) {
    @Override
    public String toString() {
      return "sipp exited " + exitCode + ": " + created + " calls created, " + successful + " succeeded, " + failed
          + " failed\n--- errors ---\n" + errors;
    }
  }

  /**
   * Starts {@code calls} calls of {@code scenario} over UDP, {@code rate} new calls a second and at most
   * {@code concurrent} at once, and returns without waiting; {@link #awaitLoad} reads the outcome.
   */
  Process startLoad(String name, String scenario, String recorderAddress, int calls, int concurrent, int rate)
      throws IOException {
    Path xml = Files.writeString(dir.resolve(name + ".xml"), scenario);
    List<String> command = List.of("sipp", "-sf", xml.toString(), "-m", Integer.toString(calls),
        "-l", Integer.toString(concurrent), "-r", Integer.toString(rate), "-nostdin",
        "-i", "127.0.0.1", "-p", Integer.toString(RecorderProcess.freePort()),
        "-mp", Integer.toString(RecorderProcess.freeMediaPorts()),
        "-timeout", LIMIT.toSeconds() * 4 + "s", "-timeout_error",
        "-trace_err", "-error_file", dir.resolve(name + "-errors.log").toString(),
        "-trace_logs", "-log_file", dir.resolve(name + "-log.log").toString(),
        "-trace_stat", "-stf", dir.resolve(name + "-stats.csv").toString(), "-fd", "1", recorderAddress);
    return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + "-output.log").toFile()).start();
  }

  /** Waits for a load run started as {@code name} and reads sipp's final counts from its statistics file. */
  LoadResult awaitLoad(String name, Process process) throws IOException, InterruptedException {
    if (!process.waitFor(LIMIT.toSeconds() * 4 + 10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    String errors = read(dir.resolve(name + "-errors.log")) + read(dir.resolve(name + "-output.log"));
    int exit = process.isAlive() ? -1 : process.exitValue();
    List<String> lines = Files.exists(dir.resolve(name + "-stats.csv"))
        ? Files.readAllLines(dir.resolve(name + "-stats.csv"), StandardCharsets.ISO_8859_1) : List.of();
    if (lines.size() < 2) {
      return new LoadResult(exit, 0, 0, 0, "sipp wrote no statistics\n" + errors, List.of());
    }
    List<String> columns = List.of(lines.get(0).split(";"));
    String[] last = lines.get(lines.size() - 1).split(";");
    return new LoadResult(exit, count(columns, last, "TotalCallCreated"), count(columns, last, "SuccessfulCall(C)"),
        count(columns, last, "FailedCall(C)"), errors, read(dir.resolve(name + "-log.log")).lines().toList());
  }

  private static long count(List<String> columns, String[] values, String column) {
    int index = columns.indexOf(column);
    if (index < 0 || index >= values.length) {
      throw new IllegalStateException("sipp's statistics have no column " + column);
    }
    return Long.parseLong(values[index].strip());
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
  }
}
