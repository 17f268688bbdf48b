package io.tandem.admin;

/** Where a recorder job stands; DONE and FAILED are final. */
public enum JobState {
  RUNNING,
  DONE,
  FAILED
}
