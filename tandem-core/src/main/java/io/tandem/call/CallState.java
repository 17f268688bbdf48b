package io.tandem.call;

/**
 * The life of a call in a call buffer: RECORDING until its BYE (or the end of its media) makes it
 * COMPLETE; a call still RECORDING when its recorder died becomes TRUNCATED at restart.
 */
public enum CallState {
  RECORDING,
  COMPLETE,
  TRUNCATED
}
