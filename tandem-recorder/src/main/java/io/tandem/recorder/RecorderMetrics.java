package io.tandem.recorder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tandem.call.CallRecord;
import io.tandem.call.Inum;
import io.tandem.gapaudit.GapAudit;
import io.tandem.workflow.WorkflowState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The recorder's Prometheus metrics: calls, SIP, RTP, Workflow, and the time from a call's end to its
 * marking. Thread-safe.
 */
final class RecorderMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter callsEnded;
  private final Timer endToMarked;
  private final Map<Inum, Instant> endedAt = new ConcurrentHashMap<>();

  RecorderMetrics(int serial) {
    registry.config().commonTags("serial", Integer.toString(serial));
    callsEnded = Counter.builder("tandem_calls_ended").description("calls finished in the call buffer")
        .register(registry);
    // Buckets as well as percentiles: a scrape before and after a load gives that load's own distribution.
    endToMarked = Timer.builder("tandem_call_end_to_marked").description("from a call's end to its marking")
        .publishPercentiles(0.5, 0.99)
        .serviceLevelObjectives(millis(5), millis(10), millis(20), millis(50), millis(100), millis(150), millis(200),
            millis(500), millis(1000), millis(2000), millis(5000))
        .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  void bind(Recorder recorder) {
    Gauge.builder("tandem_calls_active", recorder.sessions(), s -> s.active()).register(registry);
    FunctionCounter.builder("tandem_calls_started", recorder.sessions(), s -> s.startedCount()).register(registry);
    FunctionCounter.builder("tandem_siprec_refused", recorder.sessions(), s -> s.refusedCount()).register(registry);
    FunctionCounter.builder("tandem_siprec_cancelled", recorder.sessions(), s -> s.cancelledCount())
        .description("INVITEs cancelled before their answer; their recordings were discarded").register(registry);
    FunctionCounter.builder("tandem_siprec_session_changes", recorder.sessions(), s -> s.changedCount())
        .description("re-INVITEs and UPDATEs taken into a recording session").register(registry);
    FunctionCounter.builder("tandem_sip_requests", recorder.sip(), s -> s.requestCount()).register(registry);
    FunctionCounter.builder("tandem_sip_malformed", recorder.sip(), s -> s.malformedCount()).register(registry);
    FunctionCounter.builder("tandem_rtp_packets", recorder.media(), m -> m.counters().packetsReceived())
        .register(registry);
    FunctionCounter.builder("tandem_rtp_ignored", recorder.media(), m -> m.counters().packetsIgnored())
        .register(registry);
    FunctionCounter.builder("tandem_rtp_malformed", recorder.media(), m -> m.counters().packetsMalformed())
        .register(registry);
    FunctionCounter.builder("tandem_rtp_lost", recorder.media(), m -> m.counters().packetsLost()).register(registry);
    for (WorkflowState state : WorkflowState.values()) {
      Gauge.builder("tandem_workflow_entries", recorder.workflow(), w -> w.counts().getOrDefault(state, 0L))
          .tag("state", state.name()).register(registry);
    }
    FunctionCounter.builder("tandem_gap_calls", recorder.gapAudit(), GapAudit::gapsFound)
        .description("calls of this secondary found missing from the call database by the gap audit")
        .register(registry);
    FunctionCounter.builder("tandem_linked_copies", recorder.gapAudit(), GapAudit::copiesLinked)
        .description("copies of this recorder linked to their interactions by the gap audit")
        .register(registry);
    Gauge.builder("tandem_primary", recorder.standing(), s -> s.role() == io.tandem.call.Role.PRIMARY ? 1 : 0)
        .register(registry);
  }

  /** A call ended; one handed to the Workflow has its marking timed from now. */
  void callEnded(CallRecord call, boolean submitted) {
    callsEnded.increment();
    if (submitted) {
      Instant now = Instant.now();
      if (endedAt.size() > 10_000) {
        // Calls that will never be marked here (failed, or fenced) must not be timed forever.
        endedAt.values().removeIf(ended -> ended.isBefore(now.minus(Duration.ofHours(1))));
      }
      endedAt.put(call.inum(), now);
    }
  }

  void marked(List<Inum> inums) {
    Instant now = Instant.now();
    for (Inum inum : inums) {
      Instant ended = endedAt.remove(inum);
      if (ended != null) {
        endToMarked.record(Duration.between(ended, now));
      }
    }
  }

  private static Duration millis(long millis) {
    return Duration.ofMillis(millis);
  }

  String scrape() {
    return registry.scrape();
  }
}
