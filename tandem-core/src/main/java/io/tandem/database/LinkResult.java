package io.tandem.database;

import io.tandem.call.Inum;
import java.util.List;

/**
 * What linking a batch of a recorder's calls did: copies newly linked to the interaction of their
 * conversation, copies that were linked already, and the calls whose conversation has no interaction (gaps).
 */
public record LinkResult(int linked, int alreadyLinked, List<Inum> missing) {
  public LinkResult {
    missing = List.copyOf(missing);
  }
}
