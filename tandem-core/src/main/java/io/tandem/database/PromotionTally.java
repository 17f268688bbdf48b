package io.tandem.database;

/**
 * What a promotion left in the call database for the new primary's calls of the window that had ended when
 * the failure was detected (calls then in progress are submitted when they end): {@code promoted},
 * calls whose conversation only the new primary's copy holds (the old primary never marked it), and
 * {@code alreadyPresent}, calls whose conversation the old primary had marked too.
 */
public record PromotionTally(int promoted, int alreadyPresent) {}
