package io.tandem.callbuffer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tandem.call.Participant;
import io.tandem.call.StreamInfo;
import io.tandem.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallMetadataReaderTest {
  private static final Instant JOINED = Instant.parse("2026-11-26T10:00:00.123456789Z");

  @Test
  void participantsAsWrittenReadBackEqual() {
    List<Participant> written = List.of(new Participant("p1", "sip:alice@example.com", "Alice"),
        new Participant("p\"2", "sip:b\\ob@example.com", "Bö\tb ☎ \u0001").withTimes(JOINED, JOINED.plusSeconds(5)),
        new Participant("p3", "tel:+15550100", "").withTimes(null, JOINED));

    assertThat(CallMetadataReader.participants(Json.write(written))).isEqualTo(written);
    assertThat(CallMetadataReader.participants("[]")).isEmpty();
  }

  @Test
  void streamsAsWrittenReadBackEqual() {
    List<StreamInfo> written = List.of(new StreamInfo("1", 0, "p1", "PCMU"), new StreamInfo("label 2", 7, "", "PCMA"));

    assertThat(CallMetadataReader.streams(Json.write(written))).isEqualTo(written);
  }

  @Test
  void anythingNotInTheWrittenShapeIsLeftToTheObjectMapper() {
    assertThat(CallMetadataReader.participants("[{\"id\":\"p1\",\"aor\":\"a\",\"extra\":\"x\"}]")).isNull();
    assertThat(CallMetadataReader.participants("[{\"id\":\"p1\",\"id\":\"p2\",\"aor\":\"a\"}]")).isNull();
    assertThat(CallMetadataReader.participants("[{\"aor\":\"a\"}]")).isNull();
    assertThat(CallMetadataReader.participants("[{\"id\":\"p1\",\"aor\":\"a\",\"joined\":1764151200}]")).isNull();
    assertThat(CallMetadataReader.participants("[{\"id\":\"p1\",\"aor\":\"a\",\"joined\":\"yesterday\"}]")).isNull();
    assertThat(CallMetadataReader.participants("[{\"id\":\"p1\",\"aor\":\"a\",\"name\":null}]")).isNull();
    assertThat(CallMetadataReader.participants("{\"id\":\"p1\"}")).isNull();
    assertThat(CallMetadataReader.participants("[{\"id\":\"p1\",\"aor\":\"a\"}")).isNull();
    assertThat(CallMetadataReader.participants("not json")).isNull();
    assertThat(CallMetadataReader.streams("[{\"label\":\"1\",\"channel\":\"0\",\"codec\":\"PCMU\"}]")).isNull();
    assertThat(CallMetadataReader.streams("[{\"label\":\"1\",\"channel\":4294967296,\"codec\":\"PCMU\"}]")).isNull();
    assertThat(CallMetadataReader.streams("[{\"label\":\"1\",\"codec\":\"PCMU\"}]")).isNull();
    assertThat(CallMetadataReader.streams("[{\"label\":\"1\",\"channel\":-1,\"codec\":\"PCMU\"}]")).isNull();
    assertThat(CallMetadataReader.streams("[{\"label\":\"1\",\"channel\":1.0,\"codec\":\"PCMU\"}]")).isNull();
    assertThat(CallMetadataReader.streams("[{\"label\":\"1\",\"channel\":01,\"codec\":\"PCMU\"}]")).isNull();
    assertThat(CallMetadataReader.streams("[{\"label\":\"1\\x\",\"channel\":1,\"codec\":\"PCMU\"}]")).isNull();
    assertThat(CallMetadataReader.streams("[{\"label\":\"1\\u00g1\",\"channel\":1,\"codec\":\"PCMU\"}]")).isNull();
    assertThat(CallMetadataReader.streams("[{\"label\":\"1\",\"channel\":1,\"codec\":\"PCMU\"},]")).isNull();
    assertThat(CallMetadataReader.streams("[{\"label\":\"1\",\"channel\":1,\"codec\":\"PCMU\"}] x")).isNull();
    assertThat(CallMetadataReader.streams("[{\"label\":\"1\",\"channel\":1,\"codec\":\"PCMU}]")).isNull();
  }

  @Test
  void whatItReadsAgreesWithTheObjectMapper() throws Exception {
    String participants = " [ {\"name\" : \"Car\\u00e9l \\/ \\b\\f\\n\\r\\t\\\\\",\"aor\":\"sip:carol@example.com\","
        + "\"id\":\"c\"},\n{\"id\":\"d\",\"aor\":\"sip:d@example.com\",\"left\":\"2026-11-26T10:00:00Z\"}] ";
    String streams = "[{\"codec\":\"PCMU\",\"channel\":1,\"label\":\"x\"},"
        + "{\"codec\":\"PCMA\",\"channel\":2147483647,\"label\":\"\\\"y\\\"\",\"participantId\":\"\"}]";

    assertThat(CallMetadataReader.participants(participants))
        .isEqualTo(Json.MAPPER.readValue(participants, new TypeReference<List<Participant>>() {}));
    assertThat(CallMetadataReader.streams(streams))
        .isEqualTo(Json.MAPPER.readValue(streams, new TypeReference<List<StreamInfo>>() {}));
  }
}
