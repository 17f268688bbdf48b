package io.tandem.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.sql.DataSource;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class SchemaCheckTest {
  private static final ClassLoader LOADER = SchemaCheckTest.class.getClassLoader();

  private DatabaseFixture fixture;
  private DataSource dataSource;

  @BeforeEach
  void migrate() throws Exception {
    fixture = DatabaseFixture.start();
    PGSimpleDataSource simple = new PGSimpleDataSource();
    simple.setUrl(fixture.server.jdbcUrl());
    simple.setUser("postgres");
    dataSource = simple;
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void aSchemaFlywayMigratedIsUpToDateAndMigratingAgainLeavesItsHistoryAsItIs() throws Exception {
    assertThat(SchemaCheck.onClassPath(LOADER)).hasSizeGreaterThanOrEqualTo(16).containsKey("16");
    assertThat(SchemaCheck.upToDate(dataSource, LOADER)).isTrue();
    long rows = fixture.count("flyway_schema_history");

    fixture.database.migrate();

    assertThat(fixture.count("flyway_schema_history")).isEqualTo(rows);
  }

  @Test
  void aChangedMigrationIsLeftToFlywayWhichRefusesIt() throws Exception {
    fixture.execute("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '3'");

    assertThat(SchemaCheck.upToDate(dataSource, LOADER)).isFalse();
    assertThatThrownBy(() -> fixture.database.migrate()).isInstanceOf(FlywayException.class)
        .hasMessageContaining("checksum mismatch");
  }

  @Test
  void theSchemaOfAnOlderBuildIsMigratedByFlyway() throws Exception {
    String url = fixture.databaseAtVersion("older_build", "15");
    PGSimpleDataSource older = new PGSimpleDataSource();
    older.setUrl(url);
    older.setUser("postgres");
    assertThat(SchemaCheck.upToDate(older, LOADER)).isFalse();

    try (CallDatabase database = CallDatabase.connect(new DatabaseConfig(url, "postgres", "", 2))) {
      database.migrate();
    }

    assertThat(SchemaCheck.upToDate(older, LOADER)).isTrue();
    try (var connection = older.getConnection(); var statement = connection.createStatement();
        var rows = statement.executeQuery("SELECT count(*) FROM interaction_keys")) {
      assertThat(rows.next()).as("the newest migration's table").isTrue();
    }
  }

  @Test
  void aHistoryWithAnythingElseIsNotUpToDate() throws Exception {
    fixture.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
        + " checksum, installed_by, execution_time, success) VALUES (100, '99', 'from a newer build', 'SQL',"
        + " 'V99__from_a_newer_build.sql', 1, 'postgres', 1, true)");
    assertThat(SchemaCheck.upToDate(dataSource, LOADER)).as("a migration of a newer build").isFalse();

    fixture.execute("DELETE FROM flyway_schema_history WHERE version = '99'");
    fixture.execute("UPDATE flyway_schema_history SET success = false WHERE version = '16'");
    assertThat(SchemaCheck.upToDate(dataSource, LOADER)).as("a failed migration").isFalse();

    fixture.execute("UPDATE flyway_schema_history SET success = true, description = 'renamed' WHERE version = '16'");
    assertThat(SchemaCheck.upToDate(dataSource, LOADER)).as("another description").isFalse();

    fixture.execute("DROP TABLE flyway_schema_history");
    assertThat(SchemaCheck.upToDate(dataSource, LOADER)).as("no history").isFalse();
  }

  @Test
  void theChecksumIsOfTheLinesWithoutBreaksOrByteOrderMark() throws Exception {
    CRC32 crc = new CRC32();
    crc.update("CREATE TABLE t (a int);".getBytes(StandardCharsets.UTF_8));
    crc.update("-- ñ".getBytes(StandardCharsets.UTF_8));

    assertThat(SchemaCheck.checksum(new StringReader("\uFEFFCREATE TABLE t (a int);\r\n-- ñ\n")))
        .isEqualTo((int) crc.getValue());
    assertThat(SchemaCheck.checksum(new StringReader("CREATE TABLE t (a int);\n-- ñ")))
        .isEqualTo((int) crc.getValue());
  }
}
