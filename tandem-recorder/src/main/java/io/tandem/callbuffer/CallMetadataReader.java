package io.tandem.callbuffer;

import io.tandem.call.Participant;
import io.tandem.call.StreamInfo;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the participants and streams that a call row keeps as JSON arrays, character by character: every
 * call a batch consolidates is read, and the object mapper, even its streaming parser, costs several times
 * more. It accepts only the shape the call buffer writes (known fields, each once, of the written types); it
 * returns null for anything else, so that the caller reads that row through the object mapper and gets
 * exactly its result or its error. Stateless and thread-safe.
 */
final class CallMetadataReader {
  private static final List<String> PARTICIPANT_FIELDS = List.of("id", "aor", "name", "joined", "left");
  private static final List<String> STREAM_FIELDS = List.of("label", "channel", "participantId", "codec");

  private CallMetadataReader() {}

  /** The participants of the array, or null when it is not in the written shape. */
  static List<Participant> participants(String json) {
    return array(json, CallMetadataReader::participant);
  }

  /** The streams of the array, or null when it is not in the written shape. */
  static List<StreamInfo> streams(String json) {
    return array(json, CallMetadataReader::stream);
  }

  /** Reads one object of an array, its opening brace read; null when it is not in the written shape. */
  @FunctionalInterface
  private interface Element<T> {
    T read(JsonCursor in);
  }

  private static <T> List<T> array(String json, Element<T> element) {
    JsonCursor in = new JsonCursor(json);
    if (!in.skip('[')) {
      return null;
    }
    List<T> values = new ArrayList<>(2);
    if (!in.skip(']')) {
      do {
        T value = in.skip('{') ? element.read(in) : null;
        if (value == null) {
          return null;
        }
        values.add(value);
      } while (in.skip(','));
      if (!in.skip(']')) {
        return null;
      }
    }
    return in.atEnd() ? values : null;
  }

  /** One participant object, its opening brace read; null when it is not in the written shape. */
  private static Participant participant(JsonCursor in) {
    Object[] values = fields(in, PARTICIPANT_FIELDS);
    if (values == null || !(values[0] instanceof String id) || !(values[1] instanceof String aor)
        || !stringOrAbsent(values, 2, 3, 4)) {
      return null;
    }
    try {
      return new Participant(id, aor, (String) values[2], instant(values[3]), instant(values[4]));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** One stream object, its opening brace read; null when it is not in the written shape. */
  private static StreamInfo stream(JsonCursor in) {
    Object[] values = fields(in, STREAM_FIELDS);
    if (values == null || !(values[0] instanceof String label) || !(values[1] instanceof Integer channel)
        || channel < 0 || !stringOrAbsent(values, 2) || !(values[3] instanceof String codec)) {
      return null;
    }
    return new StreamInfo(label, channel, (String) values[2], codec);
  }

  /**
   * The values of an object's fields in the order of {@code names}: strings, ints, or null where a field is
   * absent. Null when a field is unknown or repeated, or holds anything else.
   */
  private static Object[] fields(JsonCursor in, List<String> names) {
    Object[] values = new Object[names.size()];
    if (in.skip('}')) {
      return values;
    }
    do {
      String field = in.string();
      int index = field == null || !in.skip(':') ? -1 : names.indexOf(field);
      if (index < 0 || values[index] != null) {
        return null;
      }
      values[index] = in.startsWith('"') ? in.string() : in.integer();
      if (values[index] == null) {
        return null;
      }
    } while (in.skip(','));
    return in.skip('}') ? values : null;
  }

  private static boolean stringOrAbsent(Object[] values, int... indexes) {
    for (int index : indexes) {
      if (values[index] != null && !(values[index] instanceof String)) {
        return false;
      }
    }
    return true;
  }

  private static Instant instant(Object iso) {
    return iso == null ? null : Instant.parse((String) iso);
  }
}
