package io.tandem.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * The hash of one audit row: SHA-256 over each field written as {@code <octets>:<text>;}, in the order id, time
 * (microseconds since 1970), actor, action, target, detail, result and the hash of the row before (64 zeros
 * for the first row). The migration that chained the rows written before the chain existed uses the same rule.
 * Stateless.
 */
public final class AuditHash {
  /** What the first row of the chain names as the hash before it. */
  public static final String GENESIS = "0".repeat(64);

  private AuditHash() {}

  public static String of(long id, Instant at, AuditEntry entry, String previous) {
    StringBuilder text = new StringBuilder();
    for (String field : new String[] {Long.toString(id), Long.toString(micros(at)), entry.actor(), entry.action(),
        entry.target(), entry.detail(), entry.result(), previous}) {
      text.append(field.getBytes(StandardCharsets.UTF_8).length).append(':').append(field).append(';');
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The time as the call database keeps it, to the microsecond. */
  public static Instant stored(Instant at) {
    return at.truncatedTo(ChronoUnit.MICROS);
  }

  private static long micros(Instant at) {
    return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
  }
}
