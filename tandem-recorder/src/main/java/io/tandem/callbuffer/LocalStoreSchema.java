package io.tandem.callbuffer;

import java.util.List;

/**
 * The local store's schema as an ordered list of migrations; migration {@code n} (1-based) brings the
 * store from {@code PRAGMA user_version = n - 1} to {@code n}. Append new migrations, never edit old ones.
 */
final class LocalStoreSchema {
  static final List<List<String>> MIGRATIONS = List.of(
      List.of(
          """
          CREATE TABLE inum_block (
            serial INTEGER PRIMARY KEY,
            reserved_through INTEGER NOT NULL)""",
          """
          CREATE TABLE calls (
            inum INTEGER PRIMARY KEY,
            correlation_key TEXT NOT NULL,
            start_nanos INTEGER NOT NULL,
            end_nanos INTEGER,
            call_role TEXT NOT NULL,
            state TEXT NOT NULL,
            participants TEXT NOT NULL,
            streams TEXT NOT NULL,
            packets_received INTEGER NOT NULL,
            packets_lost INTEGER NOT NULL,
            media_bytes INTEGER NOT NULL,
            duration_millis INTEGER NOT NULL,
            media_path TEXT NOT NULL)""",
          "CREATE INDEX calls_by_start ON calls (start_nanos, inum)",
          "CREATE INDEX calls_by_correlation_key ON calls (correlation_key, start_nanos)",
          "CREATE INDEX calls_recording ON calls (state) WHERE state = 'RECORDING'",
          """
          CREATE TABLE workflow (
            inum INTEGER PRIMARY KEY,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            next_attempt_millis INTEGER NOT NULL,
            updated_millis INTEGER NOT NULL)""",
          "CREATE INDEX workflow_due ON workflow (state, next_attempt_millis, inum)"),
      List.of(
          // Promoted entries are consolidated even while the recorder is secondary.
          "ALTER TABLE workflow ADD COLUMN promoted INTEGER NOT NULL DEFAULT 0",
          "CREATE INDEX workflow_promoted_due ON workflow (state, next_attempt_millis, inum) WHERE promoted = 1",
          // The call role in the start index lets a rebuild walk a time range without reading the rows.
          "DROP INDEX calls_by_start",
          "CREATE INDEX calls_by_start ON calls (start_nanos, inum, call_role)"),
      List.of(
          // One row: the (start, INUM) of the last call the gap audit has checked.
          """
          CREATE TABLE gap_audit (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            start_nanos INTEGER NOT NULL,
            inum INTEGER NOT NULL)"""),
      List.of(
          // DONE entries, nearly all of a Workflow, leave the due indexes, and each other entry is in one of
          // them, by whether it is promoted: a call finishing consolidation then deletes one key, and one
          // that is promoted moves one. A query uses a partial index only when it repeats its WHERE terms.
          "DROP INDEX workflow_due",
          "CREATE INDEX workflow_due ON workflow (state, next_attempt_millis, inum) "
              + "WHERE state <> 'DONE' AND promoted = 0",
          "DROP INDEX workflow_promoted_due",
          "CREATE INDEX workflow_promoted_due ON workflow (state, next_attempt_millis, inum) "
              + "WHERE state <> 'DONE' AND promoted = 1"),
      List.of(
          // What the capture source said of a call beyond its media: the recorded session's own SIP identity
          // (to match copies whose correlation keys differ), the quirks it showed, its DTMF digits (JSON).
          "ALTER TABLE calls ADD COLUMN sip_identity TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE calls ADD COLUMN quirks TEXT NOT NULL DEFAULT '[]'",
          "ALTER TABLE calls ADD COLUMN dtmf TEXT NOT NULL DEFAULT '[]'",
          // Calls by their end: a failover promotes every call that was live in the rollback window, including
          // those that started before it.
          "CREATE INDEX calls_by_end ON calls (end_nanos, inum) WHERE end_nanos IS NOT NULL",
          // Every metadata body a session received (the INVITE's, then each update's), kept as it came.
          """
          CREATE TABLE call_metadata (
            inum INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            received_nanos INTEGER NOT NULL,
            content_type TEXT NOT NULL,
            body BLOB NOT NULL,
            PRIMARY KEY (inum, seq))"""),
      List.of(
          // Calls the gap audit's cursor passed without auditing them (a failover's catch-up passes the calls
          // live at its window's start, which are the promotion's): each is audited once it is due, wherever
          // the cursor is, so that a promotion cut short or a demotion before the call ended skips none.
          "CREATE TABLE gap_audit_held (inum INTEGER PRIMARY KEY)"),
      List.of(
          // The Rebuild Full begun (the Workflow cleared) and not yet ended: a stop or crash that cuts it leaves this
          // row, and the next start finishes the Full it describes (times as ISO-8601 instants).
          """
          CREATE TABLE rebuild_full (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            command TEXT NOT NULL,
            from_time TEXT NOT NULL,
            to_time TEXT NOT NULL,
            include_master INTEGER NOT NULL,
            include_slave INTEGER NOT NULL)"""));

  private LocalStoreSchema() {}

  static int latestVersion() {
    return MIGRATIONS.size();
  }
}
