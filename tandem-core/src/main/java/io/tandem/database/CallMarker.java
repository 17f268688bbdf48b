package io.tandem.database;

import io.tandem.call.CallRecord;
import java.sql.SQLException;
import java.util.List;

/**
 * Marks calls into the call database as copies of their interactions, under a fence. A batch is one
 * transaction: all of it is marked or none. Idempotent: marking an INUM again changes nothing but the
 * copy's media figures. Implementations are thread-safe.
 */
public interface CallMarker {
  MarkResult mark(Fence fence, List<CallRecord> calls) throws SQLException, FencedException;
}
