package io.tandem.database;

/**
 * What a promotion left in the call database for the new primary's calls live in the window: started before
 * the failure was detected, and ended at or after the window's start (or not ended). {@code promoted}: calls
 * whose conversation only the new primary's copy holds (the old primary never marked it);
 * {@code alreadyPresent}: calls whose conversation the old primary had marked too. Counted when the promotion
 * ends: a call still recording then is marked when it ends, and is in the figures only if it was marked by then.
 */
public record PromotionTally(int promoted, int alreadyPresent) {}
