package io.tandem.callbuffer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code call_metadata} rows of the local store: each metadata body a call's session received, numbered
 * from 1 in the order received. Every method runs inside the caller's transaction. Stateless.
 */
final class MetadataRows {
  private MetadataRows() {}

  /** Keeps a body as the call's next one. */
  static void append(Connection c, long inum, MetadataBody metadata) throws SQLException {
    try (PreparedStatement insert = c.prepareStatement("INSERT INTO call_metadata "
        + "(inum, seq, received_nanos, content_type, body) VALUES (?, "
        + "(SELECT coalesce(max(seq), 0) + 1 FROM call_metadata WHERE inum = ?), ?, ?, ?)")) {
      insert.setLong(1, inum);
      insert.setLong(2, inum);
      insert.setLong(3, CallRows.nanos(metadata.received()));
      insert.setString(4, metadata.contentType());
      insert.setBytes(5, metadata.body());
      insert.executeUpdate();
    }
  }

  static List<MetadataBody> of(Connection c, long inum) throws SQLException {
    try (PreparedStatement query = c.prepareStatement("SELECT seq, received_nanos, content_type, body "
        + "FROM call_metadata WHERE inum = ? ORDER BY seq")) {
      query.setLong(1, inum);
      List<MetadataBody> bodies = new ArrayList<>();
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          bodies.add(new MetadataBody(rs.getInt(1), CallRows.instant(rs.getLong(2)), rs.getString(3), rs.getBytes(4)));
        }
      }
      return bodies;
    }
  }

  /** Deletes every body of the call. */
  static void delete(Connection c, long inum) throws SQLException {
    try (PreparedStatement delete = c.prepareStatement("DELETE FROM call_metadata WHERE inum = ?")) {
      delete.setLong(1, inum);
      delete.executeUpdate();
    }
  }
}
