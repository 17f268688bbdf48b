package io.tandem.callbuffer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.DtmfEvent;
import io.tandem.call.Inum;
import io.tandem.call.MediaStats;
import io.tandem.call.Participant;
import io.tandem.call.StreamInfo;
import io.tandem.json.Json;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** Maps call rows of the local store to {@link CallRecord}s and back. Stateless. */
final class CallRows {
  static final String COLUMNS = "inum, correlation_key, start_nanos, end_nanos, call_role, state, participants, "
      + "streams, packets_received, packets_lost, media_bytes, duration_millis, media_path, sip_identity, quirks, dtmf";

  static final String INSERT = "INSERT INTO calls (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      + "?, ?)";

  private static final TypeReference<List<Participant>> PARTICIPANTS = new TypeReference<>() {};
  private static final TypeReference<List<StreamInfo>> STREAMS = new TypeReference<>() {};
  private static final TypeReference<List<String>> QUIRKS = new TypeReference<>() {};
  private static final TypeReference<List<DtmfEvent>> DTMF = new TypeReference<>() {};
  private static final String EMPTY = "[]";
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private CallRows() {}

  /** The call of the current row of a query that selected {@link #COLUMNS}, in their order. */
  static CallRecord read(ResultSet rs) throws SQLException {
    long endNanos = rs.getLong(4);
    Instant end = rs.wasNull() ? null : instant(endNanos);
    return new CallRecord(
        new Inum(rs.getLong(1)),
        rs.getString(2),
        instant(rs.getLong(3)),
        end,
        CallRole.valueOf(rs.getString(5)),
        CallState.valueOf(rs.getString(6)),
        participants(rs.getString(7)),
        streams(rs.getString(8)),
        new MediaStats(rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12)),
        rs.getString(13),
        rs.getString(14),
        list(rs.getString(15), QUIRKS),
        list(rs.getString(16), DTMF));
  }

  static void insert(PreparedStatement insert, CallRecord call) throws SQLException {
    insert.setLong(1, call.inum().value());
    insert.setString(2, call.correlationKey());
    insert.setLong(3, nanos(call.start()));
    insert.setObject(4, call.end() == null ? null : nanos(call.end()));
    insert.setString(5, call.callRole().name());
    insert.setString(6, call.state().name());
    insert.setString(7, Json.write(call.participants()));
    insert.setString(8, Json.write(call.streams()));
    insert.setLong(9, call.stats().packetsReceived());
    insert.setLong(10, call.stats().packetsLost());
    insert.setLong(11, call.stats().bytes());
    insert.setLong(12, call.stats().durationMillis());
    insert.setString(13, call.mediaPath());
    insert.setString(14, call.sipIdentity());
    insert.setString(15, json(call.quirks()));
    insert.setString(16, json(call.dtmf()));
  }

  /** A list as the JSON array a call row keeps; an empty one without the object mapper. */
  static String json(List<?> values) {
    return values.isEmpty() ? EMPTY : Json.write(values);
  }

  /** Nanoseconds since the epoch; the store keeps times this way so that they sort and round-trip. */
  static long nanos(Instant instant) {
    try {
      return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), NANOS_PER_SECOND), instant.getNano());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("time must lie between 1677 and 2262, got " + instant);
    }
  }

  /** Like {@link #nanos}, but clamps a query bound that lies beyond the storable range. */
  static long boundNanos(Instant instant) {
    if (instant.isBefore(Instant.EPOCH.minusSeconds(9_000_000_000L))) {
      return Long.MIN_VALUE;
    }
    if (instant.isAfter(Instant.EPOCH.plusSeconds(9_000_000_000L))) {
      return Long.MAX_VALUE;
    }
    return nanos(instant);
  }

  static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
  }

  private static List<Participant> participants(String json) throws SQLException {
    List<Participant> participants = CallMetadataReader.participants(json);
    return participants != null ? participants : fromJson(json, PARTICIPANTS);
  }

  private static List<StreamInfo> streams(String json) throws SQLException {
    List<StreamInfo> streams = CallMetadataReader.streams(json);
    return streams != null ? streams : fromJson(json, STREAMS);
  }

  /** Most calls have no quirks and no DTMF: their empty arrays are read without the object mapper. */
  private static <T> List<T> list(String json, TypeReference<List<T>> type) throws SQLException {
    return json == null || json.equals(EMPTY) ? List.of() : fromJson(json, type);
  }

  private static <T> T fromJson(String json, TypeReference<T> type) throws SQLException {
    try {
      return Json.MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new SQLException("unreadable JSON in a call row: " + e.getOriginalMessage(), e);
    }
  }
}
