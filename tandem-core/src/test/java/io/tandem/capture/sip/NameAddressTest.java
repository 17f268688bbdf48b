package io.tandem.capture.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NameAddressTest {
  @Test
  void aNameAddrGivesItsDisplayNameUriAndHeaderParameters() {
    NameAddress contact = NameAddress.parse("\"Acme \\\"SBC\\\"\" <sip:sbc@192.0.2.10;transport=tcp>;+sip.src;expires=60");

    assertThat(contact).isEqualTo(new NameAddress("Acme \"SBC\"", "sip:sbc@192.0.2.10;transport=tcp",
        ";+sip.src;expires=60", true));
    assertThat(contact.uriParameters()).isEqualTo(";transport=tcp");
    assertThat(contact.addressOfRecord()).isEqualTo("sip:sbc@192.0.2.10");
  }

  @Test
  void anAddrSpecsParametersAreHeaderParametersAndAnUnquotedDisplayNameIsKept() {
    assertThat(NameAddress.parse("sip:sbc@192.0.2.10;+sip.src"))
        .isEqualTo(new NameAddress("", "sip:sbc@192.0.2.10", ";+sip.src", true));
    assertThat(NameAddress.parse("Bob Smith <SIP:bob@example.com?subject=x>").addressOfRecord())
        .isEqualTo("sip:bob@example.com");
    assertThat(NameAddress.parse("Bob Smith <sip:bob@example.com>").displayName()).isEqualTo("Bob Smith");
  }

  @Test
  void aMissingClosingBracketOrQuoteIsReadAsFarAsItCanBe() {
    assertThat(NameAddress.parse("<sip:sbc@192.0.2.10;+sip.src"))
        .isEqualTo(new NameAddress("", "sip:sbc@192.0.2.10;+sip.src", "", false));
    assertThat(NameAddress.parse("\"SBC <sip:sbc@192.0.2.10>").complete()).isFalse();
    assertThat(NameAddress.parse("\"SBC\" sip:sbc@192.0.2.10;lr"))
        .isEqualTo(new NameAddress("SBC", "sip:sbc@192.0.2.10", ";lr", false));
  }

  @Test
  void listsAreSplitOutsideQuotesAndBrackets() {
    List<NameAddress> entries = NameAddress.parseAll(List.of("\"Doe, John\" <sip:j@x;a=1,2>, <tel:+1555>",
        "sip:c@y"));

    assertThat(entries).extracting(NameAddress::addressOfRecord).containsExactly("sip:j@x", "tel:+1555", "sip:c@y");
    assertThat(entries.get(0).displayName()).isEqualTo("Doe, John");
  }
}
