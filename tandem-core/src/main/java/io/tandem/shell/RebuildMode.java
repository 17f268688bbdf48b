package io.tandem.shell;

/**
 * What a Rebuild does to the recorder's Workflow. FIX adds the matching INUMs of the call buffer
 * that are not in the Workflow and consolidates them; FULL clears the Workflow and adds every
 * matching INUM awaiting reprocess.
 */
public enum RebuildMode {
  FULL("Full"),
  FIX("Fix");

  private final String word;

  RebuildMode(String word) {
    this.word = word;
  }

  /** The keyword as the canonical command text spells it: {@code Full} or {@code Fix}. */
  public String word() {
    return word;
  }
}
