package io.tandem.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.notification.NotificationTarget;
import io.tandem.notification.SyslogEndpoint;
import io.tandem.notification.SyslogFacility;
import io.tandem.notification.SyslogTransport;
import io.tandem.notification.TargetSource;
import io.tandem.notification.TargetSpec;
import io.tandem.notification.WebhookEndpoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NotificationTargetStoreTest {
  private static final String SECRET = "0123456789abcdef";
  private static DatabaseFixture fixture;
  private CallDatabase database;
  private NotificationTargetStore targets;

  @BeforeAll
  static void startDatabase() throws Exception {
    fixture = DatabaseFixture.start();
  }

  @AfterAll
  static void stopDatabase() {
    fixture.close();
  }

  @BeforeEach
  void clear() throws Exception {
    fixture.clear();
    database = fixture.database;
    targets = database.notificationTargets();
  }

  @Test
  void aNewTargetStartsAfterTheLastEventAppendedBeforeIt() throws Exception {
    database.appendEvent("RECORDER_UP", null, Map.of());
    long last = database.appendEvent("RECORDER_DOWN", null, Map.of());

    NotificationTarget added = targets.add(webhook("ops", "https://hooks.example.com/a")).orElseThrow();

    assertThat(added.lastEventId()).isEqualTo(last);
    assertThat(added.source()).isEqualTo(TargetSource.API);
    assertThat(targets.all()).containsExactly(added);
  }

  @Test
  void aTakenNameAddsNothing() throws Exception {
    targets.add(webhook("ops", "https://hooks.example.com/a"));

    assertThat(targets.add(syslog("ops", 514))).isEmpty();
    assertThat(targets.all()).singleElement()
        .satisfies(target -> assertThat(target.spec().endpoint()).isInstanceOf(WebhookEndpoint.class));
  }

  @Test
  void syncingTheConfigFileAddsUpdatesAndRemovesItsTargetsAndKeepsTheirMarks() throws Exception {
    targets.add(webhook("from-api", "https://hooks.example.com/api"));
    List<NotificationTarget> first = targets.syncConfigured(List.of(syslog("siem", 514),
        webhook("gone", "https://hooks.example.com/gone")));
    long siem = first.stream().filter(t -> t.name().equals("siem")).findFirst().orElseThrow().id();
    targets.delivered(siem, 42);

    List<NotificationTarget> second = targets.syncConfigured(List.of(syslog("siem", 1514)));

    assertThat(second).extracting(NotificationTarget::name).containsExactly("from-api", "siem");
    NotificationTarget kept = second.get(1);
    assertThat(kept.id()).isEqualTo(siem);
    assertThat(kept.lastEventId()).isEqualTo(42);
    assertThat(((SyslogEndpoint) kept.spec().endpoint()).port()).isEqualTo(1514);
    assertThat(kept.source()).isEqualTo(TargetSource.CONFIG);
  }

  @Test
  void aConfigTargetNamedLikeAnApiTargetIsRefusedAndChangesNothing() throws Exception {
    targets.add(webhook("ops", "https://hooks.example.com/a"));

    assertThatThrownBy(() -> targets.syncConfigured(List.of(syslog("new", 514), syslog("ops", 514))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ops'");
    assertThat(targets.all()).extracting(NotificationTarget::name).containsExactly("ops");
  }

  @Test
  void theDeliveredMarkNeverMovesBack() throws Exception {
    long id = targets.add(syslog("siem", 514)).orElseThrow().id();

    targets.delivered(id, 7);
    targets.delivered(id, 5);

    assertThat(targets.one(id).orElseThrow().lastEventId()).isEqualTo(7);
  }

  @Test
  void removingATargetForgetsIt() throws Exception {
    long id = targets.add(syslog("siem", 514)).orElseThrow().id();

    assertThat(targets.remove(id)).isTrue();
    assertThat(targets.remove(id)).isFalse();
    assertThat(targets.one(id)).isEmpty();
  }

  private static TargetSpec webhook(String name, String url) {
    return new TargetSpec(name, WebhookEndpoint.of(url, SECRET));
  }

  private static TargetSpec syslog(String name, int port) {
    return new TargetSpec(name, new SyslogEndpoint("127.0.0.1", port, SyslogTransport.TCP, SyslogFacility.LOCAL0));
  }
}
