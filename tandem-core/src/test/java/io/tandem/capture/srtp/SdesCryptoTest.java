package io.tandem.capture.srtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SdesCryptoTest {
  private static final String KEY = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";

  @Test
  void anAttributeAsRfc4568WritesItIsRead() {
    SdesCrypto crypto = SdesCrypto.parse("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "|2^20|1:4");
    assertThat(crypto.tag()).isEqualTo(1);
    assertThat(crypto.suite()).isEqualTo(SrtpSuite.AES_CM_128_HMAC_SHA1_80);
    assertThat(crypto.masterKey()).hasSize(16);
    assertThat(crypto.masterSalt()).hasSize(14);
    assertThat(crypto.mki()).isEqualTo(1);
    assertThat(crypto.mkiLength()).isEqualTo(4);
    assertThat(crypto.unencrypted()).isFalse();
  }

  @Test
  void theThirtyTwoBitSuiteAndHarmlessSessionParametersAreTaken() {
    SdesCrypto crypto = SdesCrypto.parse("2 AES_CM_128_HMAC_SHA1_32 inline:" + KEY + " KDR=0 UNENCRYPTED_SRTP");
    assertThat(crypto.suite().tagBytes()).isEqualTo(4);
    assertThat(crypto.unencrypted()).isTrue();
  }

  @Test
  void writtenBackItReadsTheSame() {
    SdesCrypto crypto = SdesCrypto.random(7, SrtpSuite.AES_CM_128_HMAC_SHA1_32);
    assertThat(SdesCrypto.parse(crypto.toAttribute().substring("crypto:".length()))).isEqualTo(crypto);
    assertThat(crypto.toString()).doesNotContain(crypto.toAttribute().substring(crypto.toAttribute().indexOf(':') + 1));
  }

  @Test
  void whatARecorderCannotReceiveIsRefusedWithWhatWasExpected() {
    assertThatThrownBy(() -> SdesCrypto.parse("1 AEAD_AES_256_GCM inline:" + KEY))
        .hasMessageContaining("AES_CM_128_HMAC_SHA1_80 or AES_CM_128_HMAC_SHA1_32");
    assertThatThrownBy(() -> SdesCrypto.parse("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + " UNAUTHENTICATED_SRTP"))
        .hasMessageContaining("UNAUTHENTICATED_SRTP");
    assertThatThrownBy(() -> SdesCrypto.parse("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + " KDR=24"))
        .hasMessageContaining("KDR=24");
    assertThatThrownBy(() -> SdesCrypto.parse("1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY + "|1:1;inline:" + KEY
        + "|2:1")).hasMessageContaining("one inline key");
    assertThatThrownBy(() -> SdesCrypto.parse("1 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ="))
        .hasMessageContaining("30-byte master key and salt");
    assertThatThrownBy(() -> SdesCrypto.parse("x AES_CM_128_HMAC_SHA1_80 inline:" + KEY))
        .hasMessageContaining("<tag> <suite>");
  }
}
