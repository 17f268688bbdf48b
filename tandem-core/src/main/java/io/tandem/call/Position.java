package io.tandem.call;

/** What a recorder was configured as within its pair. Never changes. */
public enum Position {
  MAIN,
  BACKUP
}
