package io.tandem.redundancy;

import java.util.Objects;

/** An alarm's identity: its pair, its kind, and the recorder it is about (null: the pair as a whole). */
record AlarmKey(String pair, String alarm, String serial) {
  AlarmKey {
    Objects.requireNonNull(pair, "pair");
    Objects.requireNonNull(alarm, "alarm");
  }
}
