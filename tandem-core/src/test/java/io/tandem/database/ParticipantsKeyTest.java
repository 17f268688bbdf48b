package io.tandem.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.call.Participant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParticipantsKeyTest {
  @Test
  void userPartsAreSortedAndJoinedWhateverTheOrderOfTheParticipants() {
    assertThat(ParticipantsKey.of(List.of(participant("sip:Bob@b.example"), participant("sip:alice@a.example"))))
        .isEqualTo("alice,bob")
        .isEqualTo(ParticipantsKey.of(List.of(participant("sip:alice@a.example"), participant("sip:bob@b.example"))));
  }

  @Test
  void aTelephoneNumberLosesItsSeparatorsPlusSchemeParametersAndHost() {
    assertThat(ParticipantsKey.user("sip:+1 (555) 010-0.99@sbc.example;user=phone")).isEqualTo("1555010099");
    assertThat(ParticipantsKey.user("tel:+1-555-0100;phone-context=example.com")).isEqualTo("15550100");
    assertThat(ParticipantsKey.user("<sips:Agent7@callee.example:5061;transport=tls>")).isEqualTo("agent7");
    assertThat(ParticipantsKey.user("agent7")).isEqualTo("agent7");
    assertThat(ParticipantsKey.user("sip:a+b@example.com")).isEqualTo("a+b");
  }

  @Test
  void participantsWithoutAUserPartGiveNoKey() {
    assertThat(ParticipantsKey.of(List.of())).isNull();
    assertThat(ParticipantsKey.of(List.of(participant(""), participant("sip:@host")))).isNull();
  }

  @Test
  void aParticipantNamedTwiceCountsOnce() {
    assertThat(ParticipantsKey.of(List.of(participant("sip:alice@a"), participant("tel:alice"),
        participant("sip:bob@b")))).isEqualTo("alice,bob");
  }

  private static Participant participant(String aor) {
    return new Participant("p", aor, "");
  }
}
