package io.tandem.database;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tandem.call.CallRecord;
import io.tandem.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/** A batch's calls as one array per column, in the batch's order, as the marking statements bind them. */
final class CallColumns {
  private static final byte[] EMPTY_ARRAY = {'[', ']'};

  final long[] inums;
  final String[] keys;
  final int[] serials;
  final String[] roles;
  final boolean[] complete;
  final long[] durations;
  final long[] bytes;
  final long[] received;
  final long[] lost;
  final long[] starts;
  final Long[] ends;
  /** Whether the call has participants. */
  final boolean[] named;
  /** The call's quirks and DTMF events as JSON arrays. */
  final String[] quirks;
  final String[] dtmf;

  CallColumns(Collection<CallRecord> calls) {
    int size = calls.size();
    inums = new long[size];
    keys = new String[size];
    serials = new int[size];
    roles = new String[size];
    complete = new boolean[size];
    durations = new long[size];
    bytes = new long[size];
    received = new long[size];
    lost = new long[size];
    starts = new long[size];
    ends = new Long[size];
    named = new boolean[size];
    quirks = new String[size];
    dtmf = new String[size];
    int i = 0;
    for (CallRecord call : calls) {
      inums[i] = call.inum().value();
      keys[i] = call.correlationKey();
      serials[i] = call.inum().serial();
      roles[i] = call.callRole().name();
      complete[i] = call.complete();
      durations[i] = call.stats().durationMillis();
      bytes[i] = call.stats().bytes();
      received[i] = call.stats().packetsReceived();
      lost[i] = call.stats().packetsLost();
      starts[i] = micros(call.start());
      ends[i] = call.end() == null ? null : micros(call.end());
      named[i] = !call.participants().isEmpty();
      quirks[i] = new String(jsonArray(call.quirks()), StandardCharsets.UTF_8);
      dtmf[i] = new String(jsonArray(call.dtmf()), StandardCharsets.UTF_8);
      i++;
    }
  }

  /** A list as a JSON array; most calls have no quirks and no DTMF, and their empty array costs nothing. */
  static byte[] jsonArray(List<?> values) {
    if (values.isEmpty()) {
      return EMPTY_ARRAY;
    }
    try {
      return Json.MAPPER.writeValueAsBytes(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a list as JSON: " + values, e);
    }
  }

  /** Microseconds since the epoch, rounded half to even as PostgreSQL rounds a time it parses. */
  static long micros(Instant instant) {
    long micros = Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    int rest = instant.getNano() % 1_000;
    return rest > 500 || (rest == 500 && (micros & 1) == 1) ? micros + 1 : micros;
  }
}
