package io.tandem.rebuild;

/** Where a recorder job stands; DONE and FAILED are final. */
public enum JobState {
  RUNNING,
  DONE,
  FAILED
}
