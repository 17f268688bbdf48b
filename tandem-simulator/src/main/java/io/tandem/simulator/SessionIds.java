package io.tandem.simulator;

import java.util.Arrays;
import java.util.Locale;

/** How the simulated SBC names a conversation to the recorders it forks it to. */
public enum SessionIds {
  /** The same SIPREC session id to every recorder, as most SBCs do. */
  SHARED,
  /** Each recorder its own SIPREC session id, the same participants, and no SIP identity of the recorded call. */
  DISTINCT,
  /** Each recorder its own SIPREC session id, and the same SIP identity of the recorded call ({@code sipSessionID}). */
  DISTINCT_WITH_SIP_IDENTITY;

  /** Its name on the command line: lower case, words joined by hyphens. */
  public String option() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The mode named on the command line.
   *
   * @throws IllegalArgumentException naming the choices when there is no such mode
   */
  public static SessionIds fromOption(String option) {
    for (SessionIds mode : values()) {
      if (mode.option().equals(option)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("--session-ids must be one of "
        + Arrays.stream(values()).map(SessionIds::option).toList() + ", got '" + option + "'");
  }
}
