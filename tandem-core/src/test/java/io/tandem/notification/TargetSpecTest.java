package io.tandem.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TargetSpecTest {
  private static final String SECRET = "0123456789abcdef";

  @Test
  void aWebhookNeedsAnAbsoluteHttpUrl() {
    assertThatThrownBy(() -> WebhookEndpoint.of("ftp://hooks.example.com/", SECRET))
        .isInstanceOf(InvalidTargetException.class)
        .hasMessageStartingWith("'url' must be an absolute http:// or https:// URL")
        .satisfies(e -> assertThat(((InvalidTargetException) e).field()).isEqualTo("url"));
    assertThatThrownBy(() -> WebhookEndpoint.of("/relative", SECRET)).hasMessageStartingWith("'url'");
    assertThatThrownBy(() -> WebhookEndpoint.of("http://bad host/", SECRET)).hasMessageStartingWith("'url'");
  }

  @Test
  void aWebhookSecretTooShortToBeWorthCheckingIsRefused() {
    assertThatThrownBy(() -> WebhookEndpoint.of("https://hooks.example.com/", "short"))
        .hasMessage("'secret' must be at least 16 characters, got 5");
  }

  @Test
  void aWebhookNeverShowsItsSecret() {
    assertThat(WebhookEndpoint.of("https://hooks.example.com/", SECRET).toString()).doesNotContain(SECRET);
  }

  @Test
  void syslogFieldsAreCheckedByName() {
    assertThatThrownBy(() -> new SyslogEndpoint("siem", 0, SyslogTransport.UDP, SyslogFacility.LOCAL0))
        .hasMessage("'port' must be a port from 1 to 65535, got 0");
    assertThatThrownBy(() -> new SyslogEndpoint(" ", 514, SyslogTransport.UDP, SyslogFacility.LOCAL0))
        .hasMessageStartingWith("'host'");
    assertThatThrownBy(() -> SyslogTransport.of("sctp")).hasMessage("'transport' must be udp or tcp, got 'sctp'");
    assertThatThrownBy(() -> SyslogFacility.of("local9")).hasMessageStartingWith("'facility' must be one of [kern,");
  }

  @Test
  void facilitiesHaveTheirRfc5424Codes() {
    assertThat(SyslogFacility.KERN.code()).isZero();
    assertThat(SyslogFacility.DAEMON.code()).isEqualTo(3);
    assertThat(SyslogFacility.LOCAL0.code()).isEqualTo(16);
    assertThat(SyslogFacility.LOCAL7.code()).isEqualTo(23);
  }

  @Test
  void aNameIsShortAndPlain() {
    assertThatThrownBy(() -> new TargetSpec("has space", WebhookEndpoint.of("https://h.example.com/", SECRET)))
        .hasMessageStartingWith("'name' must be 1 to 64 letters");
  }
}
