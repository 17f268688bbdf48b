package io.tandem.callbuffer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tandem.call.Participant;
import io.tandem.call.StreamInfo;
import io.tandem.json.Json;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the participants and streams that a call row keeps as JSON arrays, token by token: every call a
 * batch consolidates is read, and binding each array through the object mapper costs several times more.
 * It accepts only the shape the call buffer writes (known fields, each once, of the written types); it
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

  /** Reads one object of an array, its start token read; null when it is not in the written shape. */
  @FunctionalInterface
  private interface Element<T> {
    T read(JsonParser parser) throws IOException;
  }

  private static <T> List<T> array(String json, Element<T> element) {
    try (JsonParser parser = Json.MAPPER.getFactory().createParser(json)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        return null;
      }
      List<T> values = new ArrayList<>(2);
      for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
        T value = token == JsonToken.START_OBJECT ? element.read(parser) : null;
        if (value == null) {
          return null;
        }
        values.add(value);
      }
      return parser.nextToken() == null ? values : null;
    } catch (IOException | DateTimeParseException e) {
      return null;
    }
  }

  /** One participant object, its start token read; null when it is not in the written shape. */
  private static Participant participant(JsonParser parser) throws IOException {
    Object[] values = fields(parser, PARTICIPANT_FIELDS);
    if (values == null || !(values[0] instanceof String id) || !(values[1] instanceof String aor)
        || !stringOrAbsent(values, 2, 3, 4)) {
      return null;
    }
    return new Participant(id, aor, (String) values[2], instant(values[3]), instant(values[4]));
  }

  /** One stream object, its start token read; null when it is not in the written shape. */
  private static StreamInfo stream(JsonParser parser) throws IOException {
    Object[] values = fields(parser, STREAM_FIELDS);
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
  private static Object[] fields(JsonParser parser, List<String> names) throws IOException {
    Object[] values = new Object[names.size()];
    for (String field = parser.nextFieldName(); field != null; field = parser.nextFieldName()) {
      int index = names.indexOf(field);
      if (index < 0 || values[index] != null) {
        return null;
      }
      JsonToken token = parser.nextToken();
      if (token == JsonToken.VALUE_STRING) {
        values[index] = parser.getText();
      } else if (token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT) {
        values[index] = parser.getIntValue();
      } else {
        return null;
      }
    }
    return parser.currentToken() == JsonToken.END_OBJECT ? values : null;
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
