package io.tandem.database;

/**
 * What one marking batch did: copies newly linked to an interaction, copies that were already marked
 * (a retry or a second rebuild), and interactions created. Marking is idempotent, so
 * {@code marked + alreadyPresent} is always the batch size.
 */
public record MarkResult(int marked, int alreadyPresent, int interactionsCreated) {}
