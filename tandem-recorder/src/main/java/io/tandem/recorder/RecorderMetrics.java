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
import io.tandem.capture.sip.SipLimit;
import io.tandem.capture.sip.SipRefusals;
import io.tandem.capture.sip.SipTransport;
import io.tandem.capture.siprec.SessionTallies;
import io.tandem.gapaudit.GapAudit;
import io.tandem.workflow.WorkflowState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The recorder's Prometheus metrics: calls, SIP (with quirks and refusals by kind, each kind's counter made
 * when it is first met), RTP, Workflow, and the time from a call's end to its marking. Thread-safe.
 */
final class RecorderMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter callsEnded;
  private final Timer endToMarked;
  private final Map<Inum, Instant> endedAt = new ConcurrentHashMap<>();
  private final Set<String> quirkKinds = ConcurrentHashMap.newKeySet();
  private final Set<String> refusalKinds = ConcurrentHashMap.newKeySet();
  private volatile SessionTallies tallies;

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
    tallies = recorder.sessions().tallies();
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
    bindGuards(recorder);
    for (WorkflowState state : WorkflowState.values()) {
      Gauge.builder("tandem_workflow_entries", recorder.workflow(), w -> w.counts().getOrDefault(state, 0L))
          .tag("state", state.name()).register(registry);
    }
    FunctionCounter.builder("tandem_gap_calls", recorder.gapAudit(), GapAudit::gapsFound)
        .description("calls of this secondary found missing from the call database by the gap audit")
        .register(registry);
    Gauge.builder("tandem_disk_free_bytes", recorder, r -> r.freeSpace().freeBytes())
        .description("usable bytes left on the data directory's filesystem, as last checked").register(registry);
    Gauge.builder("tandem_disk_floor_bytes", recorder, r -> r.freeSpace().floorBytes())
        .description("the free-space floor below which no new call is taken").register(registry);
    Gauge.builder("tandem_disk_low", recorder, r -> r.freeSpace().low() ? 1 : 0)
        .description("1 while free space is below the floor (until back above floor and margin)").register(registry);
    FunctionCounter.builder("tandem_siprec_turned_away", recorder, Recorder::turnedAwayCount)
        .description("new INVITEs answered 503 because the recorder could not capture").register(registry);
    FunctionCounter.builder("tandem_media_write_failures", recorder.media(), m -> m.writeFailures())
        .description("calls whose media could not all be written; each kept what it had, truncated")
        .register(registry);
    Gauge.builder("tandem_call_ends_waiting", recorder, Recorder::deferredEndCount)
        .description("call ends the local store refused, waiting in memory to be written").register(registry);
    FunctionCounter.builder("tandem_linked_copies", recorder.gapAudit(), GapAudit::copiesLinked)
        .description("copies of this recorder linked to their interactions by the gap audit")
        .register(registry);
    Gauge.builder("tandem_buffer_bytes", recorder, r -> r.retention().bufferBytes())
        .description("media bytes in the call buffer, as the last retention pass found them").register(registry);
    Gauge.builder("tandem_buffer_held_bytes", recorder, r -> r.retention().heldBytes())
        .description("media bytes of calls past their retention (or over the buffer's size) kept because they are "
            + "not linked in the call database, await reprocess or are in a legal hold").register(registry);
    Gauge.builder("tandem_buffer_held_calls", recorder, r -> r.retention().heldCalls())
        .description("calls past their retention (or over the buffer's size) kept, as tandem_buffer_held_bytes")
        .register(registry);
    Gauge.builder("tandem_buffer_held_full", recorder, r -> r.retention().full() ? 1 : 0)
        .description("1 while held calls keep the call buffer over its size and no new call is taken")
        .register(registry);
    Gauge.builder("tandem_primary", recorder.standing(), s -> s.role() == io.tandem.call.Role.PRIMARY ? 1 : 0)
        .register(registry);
  }

  /** What the allow-list, the dialogs, the limits, latching, the timestamp bound and SRTP refused or held back. */
  private void bindGuards(Recorder recorder) {
    SipRefusals refusals = recorder.sip().refusals();
    for (SipTransport transport : SipTransport.values()) {
      FunctionCounter.builder("tandem_sip_source_refused", refusals, r -> r.sourceCount(transport))
          .description("SIP datagrams and connections from sources outside the SBC allow-list (sip.allow)")
          .tag("transport", transport.label()).register(registry);
    }
    for (SipLimit limit : SipLimit.values()) {
      FunctionCounter.builder("tandem_sip_limit_refusals", refusals, r -> r.limitCount(limit))
          .description("INVITEs refused and TCP or TLS connections refused or closed for a limit, by limit")
          .tag("limit", limit.label()).register(registry);
    }
    FunctionCounter.builder("tandem_sip_dialog_mismatches", recorder.sessions(), s -> s.strangerCount())
        .description("requests naming a recording's Call-ID with other tags or from another source, answered 481")
        .register(registry);
    FunctionCounter.builder("tandem_sip_tls_handshake_failures", recorder.sip(), s -> s.tlsHandshakeFailures())
        .description("SIP over TLS connections whose handshake failed or did not come in time").register(registry);
    Gauge.builder("tandem_sip_connections", recorder.sip(), s -> s.openConnections())
        .description("SIP TCP and TLS connections open now").register(registry);
    FunctionCounter.builder("tandem_rtp_foreign_source", recorder.media(), m -> m.counters().foreignSource())
        .description("RTP packets dropped for coming from another source than the one their stream latched to")
        .register(registry);
    FunctionCounter.builder("tandem_rtp_source_takeovers", recorder.media(), m -> m.counters().sourceTakeovers())
        .description("RTP streams taken by a new source after silence (rtp.sourceTakeover)").register(registry);
    FunctionCounter.builder("tandem_rtp_timestamp_jumps", recorder.media(), m -> m.counters().timestampJumps())
        .description("RTP packets whose timestamp ran ahead of the time that passed, placed where they arrived")
        .register(registry);
    FunctionCounter.builder("tandem_srtp_unauthentic", recorder.media(), m -> m.counters().srtpUnauthentic())
        .description("SRTP packets dropped because their authentication tag did not match").register(registry);
    FunctionCounter.builder("tandem_srtp_replayed", recorder.media(), m -> m.counters().srtpReplayed())
        .description("SRTP packets dropped as replays (already received, or older than the replay window)")
        .register(registry);
  }

  /**
   * A call showed a quirk: something its capture source sent that was odd but recordable, counted by kind as
   * {@code tandem_sip_quirks_total{kind=...}}.
   */
  void quirk(String kind) {
    Counter.builder("tandem_sip_quirks").description("odd but recordable things capture sources sent, by kind")
        .tag("kind", kind).register(registry).increment();
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
    registerTallies();
    return registry.scrape();
  }

  /** Each quirk kind and refusal kind met since the last scrape gets its counter, labelled by kind. */
  private void registerTallies() {
    SessionTallies counts = tallies;
    if (counts == null) {
      return;
    }
    for (String kind : counts.quirkKinds()) {
      if (quirkKinds.add(kind)) {
        FunctionCounter.builder("tandem_sip_quirks", counts, c -> c.quirkCount(kind))
            .description("odd but recordable things capture sources sent, by kind").tag("kind", kind)
            .register(registry);
      }
    }
    for (String kind : counts.refusalKinds()) {
      if (refusalKinds.add(kind)) {
        FunctionCounter.builder("tandem_siprec_refused", counts, c -> c.refusalCount(kind))
            .description("INVITEs refused because there was nothing to record, by reason").tag("reason", kind)
            .register(registry);
      }
    }
  }
}
