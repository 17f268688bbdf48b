package io.tandem.redundancy;

import java.util.List;
import java.util.Optional;

/**
 * What the health checks know of each recorder now, by serial. A recorder can be neither healthy nor failed:
 * not yet answered, or missing fewer checks in a row than it takes to be declared failed. Thread-safe.
 */
public interface HealthView {
  /** True when the recorder answered and can capture, and has not missed enough checks to be failed since. */
  boolean healthy(String serial);

  /** True when the recorder missed enough checks in a row, or said it cannot capture. */
  boolean failed(String serial);

  /**
   * The alarms the recorder raised itself in its last answer (such as DISK_LOW), kept while it does not answer;
   * empty when it has not answered since this Manager started, so nobody knows.
   */
  Optional<List<String>> reportedAlarms(String serial);
}
