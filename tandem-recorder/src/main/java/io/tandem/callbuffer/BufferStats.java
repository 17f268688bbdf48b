package io.tandem.callbuffer;

import java.time.Instant;

/**
 * A snapshot of a call buffer: how many calls it holds, the media bytes their statistics account for,
 * and the starts of its oldest and newest calls (null when the buffer is empty). Immutable.
 */
public record BufferStats(long calls, long bytes, Instant oldestStart, Instant newestStart) {}
