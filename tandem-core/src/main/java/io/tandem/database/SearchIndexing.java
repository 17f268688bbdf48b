package io.tandem.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Writes the participants' search text of queued interactions (new ones, and those whose participants or start
 * changed) into {@code interaction_search}, each of their names with their start into {@code interaction_names}, and
 * their new names into {@code known_names}, a batch per transaction. Kept off the marking path: marking only queues
 * an interaction's id (a trigger, in marking's own transaction), and a search reads the interactions still queued
 * one by one, so an interaction is found by a search from the moment it is marked. Several processes may index at
 * once: each takes queue rows no other holds.
 */
final class SearchIndexing {
  private static final String INDEX_BATCH = """
      WITH taken AS (
        DELETE FROM search_queue WHERE ctid = ANY(ARRAY(
          SELECT ctid FROM search_queue LIMIT ? FOR UPDATE SKIP LOCKED))
        RETURNING interaction_id),
      source AS (
        SELECT i.id, i.start_time, participant_names(i.participants) AS names,
          participant_addresses(i.participants) AS addresses
        FROM interactions i WHERE i.id IN (SELECT interaction_id FROM taken)),
      written AS (
        INSERT INTO interaction_search (interaction_id, names, addresses) SELECT id, names, addresses FROM source
        ON CONFLICT (interaction_id) DO UPDATE SET names = EXCLUDED.names, addresses = EXCLUDED.addresses),
      unlisted AS (
        DELETE FROM interaction_names WHERE interaction_id IN (SELECT interaction_id FROM taken)),
      listed AS (
        INSERT INTO interaction_names (name, start_time, interaction_id)
        SELECT n, source.start_time, source.id FROM source, unnest(source.names) n),
      named AS (
        INSERT INTO known_names (name)
        SELECT DISTINCT n FROM source, unnest(source.names) n
        WHERE NOT EXISTS (SELECT 1 FROM known_names k WHERE k.name = n))
      SELECT count(*) FROM taken""";

  private final DataSource dataSource;

  SearchIndexing(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Indexes up to {@code batch} queued interactions in one transaction; returns how many queue rows it took. */
  int indexBatch(int batch) throws SQLException {
    // Without the statement timeout: a batch rewrites the names of many interactions, and on a backlog (a first
    // indexing of an old database) each is as large as the caller asks.
    return Transactions.inLongTransaction(dataSource, connection -> {
      try (PreparedStatement statement = connection.prepareStatement(INDEX_BATCH)) {
        statement.setInt(1, batch);
        try (ResultSet rows = statement.executeQuery()) {
          rows.next();
          return rows.getInt(1);
        }
      }
    });
  }

  /** Interactions waiting for their search text. */
  long queued() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM search_queue");
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
