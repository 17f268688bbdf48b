package io.tandem.recorder;

import io.tandem.callbuffer.MetadataBody;
import java.time.Instant;

/** One recording metadata body of a call as the admin API shows it: its place, when it came, its type and text. */
record MetadataView(int seq, Instant received, String contentType, String body) {
  static MetadataView of(MetadataBody metadata) {
    return new MetadataView(metadata.seq(), metadata.received(), metadata.contentType(), metadata.text());
  }
}
