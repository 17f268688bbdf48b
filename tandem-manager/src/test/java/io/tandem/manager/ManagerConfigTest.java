package io.tandem.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.config.ConfigException;
import io.tandem.config.ConfigFile;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ManagerConfigTest {
  @Test
  void defaultsApplyWhenOnlyTheDatabaseIsGiven() {
    ManagerConfig config = ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1:5432/tandem"));

    assertThat(config.bindHost()).isEqualTo("127.0.0.1");
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.healthInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.healthMisses()).isEqualTo(3);
    assertThat(config.databaseConfig().user()).isEqualTo("postgres");
  }

  @Test
  void everyKeyIsRead() {
    ManagerConfig config = ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1:5432/tandem",
        "database.user", "tandem", "database.password", "secret", "manager.host", "127.0.0.2", "manager.port", "18080",
        "health.interval", "250ms", "health.misses", "5"));

    assertThat(config).isEqualTo(new ManagerConfig("127.0.0.2", 18080, "jdbc:postgresql://127.0.0.1:5432/tandem",
        "tandem", "secret", Duration.ofMillis(250), 5));
    assertThat(config.toString()).doesNotContain("secret");
  }

  @Test
  void unknownKeyIsRefusedByName() {
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "manager.prot", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("manager.prot");
  }

  @Test
  void malformedValueNamesItsKey() {
    assertThatThrownBy(() -> ManagerConfig.from(file("database.url", "jdbc:postgresql://127.0.0.1/t",
        "health.interval", "often")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("health.interval");
  }

  @Test
  void missingDatabaseUrlIsRefused() {
    assertThatThrownBy(() -> ManagerConfig.from(file()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("database.url");
  }

  private static ConfigFile file(String... keysAndValues) {
    Properties properties = new Properties();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
    }
    return ConfigFile.of(properties);
  }
}
