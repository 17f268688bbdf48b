package io.tandem.admin;

/**
 * How far a recorder job got: calls of its range to look at ({@code total}, 0 until counted), calls looked
 * at, calls that matched, Workflow entries added and entries already present. Immutable.
 */
public record JobFigures(long scanned, long total, long matched, long added, long alreadyPresent) {
  public static final JobFigures NONE = new JobFigures(0, 0, 0, 0, 0);

  /** Percent of the scan done, or -1 when the total is unknown. */
  public int percent() {
    return total <= 0 ? -1 : (int) Math.min(100, scanned * 100 / total);
  }
}
