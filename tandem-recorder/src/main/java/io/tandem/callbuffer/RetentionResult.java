package io.tandem.callbuffer;

/**
 * What a retention pass did and found: the calls it rolled off, the calls it held back although they were due
 * (past their retention, or the oldest while the buffer is over its size) and their media bytes, the buffer's
 * media bytes after it, and whether the buffer is still over its size, which then only held copies fill.
 */
public record RetentionResult(int removed, long heldCalls, long heldBytes, long bufferBytes, boolean full) {
  /** Before any pass: nothing known held. */
  public static final RetentionResult NONE = new RetentionResult(0, 0, 0, 0, false);
}
