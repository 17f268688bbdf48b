package io.tandem.it;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sipp load run against a pair: two sipp processes, one for each recorder, play the same calls of a
 * two-stream capture at once, as an SBC forks them; then what each recorder recorded, how many calls it
 * held at once, and the CPU that sipp and each recorder spent. Not thread-safe.
 *
 * @param main sipp's outcome against the Main
 * @param backup sipp's outcome against the Backup
 * @param peakActiveCalls the most calls either recorder had in progress at once, polled every 100 ms
 * @param packetsSentEach packets in the capture times the calls, sent to each recorder
 * @param recordedMain what the Main recorded of the run
 * @param recordedBackup what the Backup recorded of the run
 * @param seconds wall time from the start of sipp to its end
 * @param sippCpuSeconds CPU time of both sipp processes
 * @param mainCpuSeconds CPU time of the Main's process over the run
 * @param backupCpuSeconds CPU time of the Backup's process over the run
 */
record SippLoadRun(Sipp.LoadResult main, Sipp.LoadResult backup, int peakActiveCalls, long packetsSentEach,
    RecordedCalls recordedMain, RecordedCalls recordedBackup, double seconds, double sippCpuSeconds,
    double mainCpuSeconds, double backupCpuSeconds) {

  /** {@code calls} calls of {@code packetsPerStream} packets a stream, each sipp at most {@code concurrent} at once. */
  static SippLoadRun run(PairFixture pair, Sipp sipp, Path pcap, double[] tones, String prefix, int calls,
      int concurrent, int callsPerSecond, Path scratch) throws Exception {
    int packetsPerStream = RtpPcap.packetCount(pcap) / tones.length;
    // Two seconds past the capture's length, so a sipp that runs late still sends it all before its BYE.
    String scenario = SippLoadScenarios.recording(prefix, pcap.getFileName().toString(),
        packetsPerStream * 20L + 2000);
    double mainCpu = cpuSeconds(pair.main.pid());
    double backupCpu = cpuSeconds(pair.backup.pid());
    long start = System.nanoTime();
    Process toMain = sipp.startLoad(prefix + "-main", scenario, pair.main.sipAddress(), calls, concurrent,
        callsPerSecond);
    Process toBackup = sipp.startLoad(prefix + "-backup", scenario, pair.backup.sipAddress(), calls, concurrent,
        callsPerSecond);
    int peak = 0;
    Map<Long, Double> sippCpu = new LinkedHashMap<>();
    while (toMain.isAlive() || toBackup.isAlive()) {
      for (Process process : List.of(toMain, toBackup)) {
        process.toHandle().info().totalCpuDuration()
            .ifPresent(cpu -> sippCpu.put(process.pid(), cpu.toNanos() / 1e9));
      }
      for (RecorderProcess recorder : List.of(pair.main, pair.backup)) {
        peak = Math.max(peak, PairFixture.getJson(recorder.adminUrl() + "/health").get("activeCalls").asInt());
      }
      Thread.sleep(100);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Sipp.LoadResult main = sipp.awaitLoad(prefix + "-main", toMain);
    Sipp.LoadResult backup = sipp.awaitLoad(prefix + "-backup", toBackup);
    Map<String, double[]> expected = new LinkedHashMap<>();
    for (int call = 1; call <= calls; call++) {
      expected.put(SippLoadScenarios.sessionId(prefix, call), tones);
    }
    List<RecordedCalls> recorded = new ArrayList<>();
    for (RecorderProcess recorder : List.of(pair.main, pair.backup)) {
      await().atMost(Duration.ofSeconds(30)).until(() ->
          PairFixture.getJson(recorder.adminUrl() + "/health").get("activeCalls").asInt() == 0);
      recorded.add(RecordedCalls.of(recorder, expected, packetsPerStream, scratch));
    }
    return new SippLoadRun(main, backup, peak, (long) calls * RtpPcap.packetCount(pcap), recorded.get(0),
        recorded.get(1), seconds, sippCpu.values().stream().mapToDouble(Double::doubleValue).sum(),
        cpuSeconds(pair.main.pid()) - mainCpu, cpuSeconds(pair.backup.pid()) - backupCpu);
  }

  /** Answers of both runs whose ports sipp cannot play a two-stream capture to. */
  List<String> unpairedAnswers() {
    List<String> unpaired = new ArrayList<>(SippLoadScenarios.unpairedAnswers(main.log()));
    unpaired.addAll(SippLoadScenarios.unpairedAnswers(backup.log()));
    return unpaired;
  }

  String summary() {
    return String.format("peak %d calls at once; %d packets sent to each recorder; Main: %d calls, %d received, %d"
        + " missing by its statistics, %d in the WAVs, %d channels off tone; Backup: %d calls, %d received, %d missing"
        + " by its statistics, %d in the WAVs, %d channels off tone; sipp failed %d + %d calls; %d answers on"
        + " unpaired ports; %.1f s, CPU: sipp %.1f s, Main %.1f s, Backup %.1f s", peakActiveCalls, packetsSentEach,
        recordedMain.calls(), recordedMain.packetsReceived(), recordedMain.packetsMissing(),
        recordedMain.packetsInWavs(), recordedMain.channelsOffTone(), recordedBackup.calls(),
        recordedBackup.packetsReceived(), recordedBackup.packetsMissing(), recordedBackup.packetsInWavs(),
        recordedBackup.channelsOffTone(), main.failed(), backup.failed(), unpairedAnswers().size(), seconds,
        sippCpuSeconds, mainCpuSeconds, backupCpuSeconds);
  }

  /** CPU time a live process has used, in seconds; 0 once it has ended. */
  static double cpuSeconds(long pid) {
    return ProcessHandle.of(pid).flatMap(handle -> handle.info().totalCpuDuration())
        .map(cpu -> cpu.toNanos() / 1e9).orElse(0.0);
  }
}
