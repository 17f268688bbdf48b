package io.tandem.callbuffer;

import io.tandem.call.Inum;
import java.util.List;

/**
 * One page of a call buffer scan: how many calls of the time range it looked at, and the INUMs among them
 * whose call role was asked for, oldest first. Immutable.
 */
public record ScanPage(int scanned, List<Inum> matched) {
  public ScanPage {
    matched = List.copyOf(matched);
  }
}
