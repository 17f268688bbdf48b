package io.tandem.capture.sip;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of SIP a recorder refused for who sent it (a source outside its allow-list, by transport) or for a limit
 * it hit (by {@link SipLimit}). Thread-safe.
 */
public final class SipRefusals {
  private final Map<SipTransport, LongAdder> sources = new EnumMap<>(SipTransport.class);
  private final Map<SipLimit, LongAdder> limits = new EnumMap<>(SipLimit.class);

  public SipRefusals() {
    for (SipTransport transport : SipTransport.values()) {
      sources.put(transport, new LongAdder());
    }
    for (SipLimit limit : SipLimit.values()) {
      limits.put(limit, new LongAdder());
    }
  }

  void source(SipTransport transport) {
    sources.get(transport).increment();
  }

  public void limit(SipLimit limit) {
    limits.get(limit).increment();
  }

  /** Datagrams or connections from sources outside the allow-list, over {@code transport}. */
  public long sourceCount(SipTransport transport) {
    return sources.get(transport).sum();
  }

  /** What {@code limit} refused or closed. */
  public long limitCount(SipLimit limit) {
    return limits.get(limit).sum();
  }
}
