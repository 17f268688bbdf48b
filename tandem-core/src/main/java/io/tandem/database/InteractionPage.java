package io.tandem.database;

import java.util.List;
import java.util.Optional;

/**
 * One page of a search: the interactions found, with their copies and participants, and the cursor of the next
 * page, empty when this page is the last (it held fewer than the limit).
 */
public record InteractionPage(List<InteractionView> interactions, Optional<InteractionSearch.Cursor> next) {
  public InteractionPage {
    interactions = List.copyOf(interactions);
  }
}
