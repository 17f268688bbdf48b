package io.tandem.media;

import java.io.IOException;

/** A file that is not the RIFF/WAVE 16-bit linear PCM this system writes; the message says what was expected. */
public final class WavFormatException extends IOException {
  public WavFormatException(String message) {
    super(message);
  }
}
