package io.tandem.recorder;

import io.tandem.call.CallRecord;
import io.tandem.capture.rtp.PayloadLog;
import io.tandem.config.ConfigException;
import io.tandem.media.MediaChannel;
import io.tandem.media.MediaFiles;
import io.tandem.media.sealed.SealedMediaException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks at start, before anything is repaired or recorded, that the media keys given can open the sealed media
 * of the call buffer: those of the calls a stop cut off (which start-up repairs) and of the newest calls. A key
 * that is missing or wrong stops the recorder with one line naming it, and nothing is changed. Stateless.
 */
final class SealedMediaCheck {
  /** How many of the newest calls are opened: one file per key in use is enough, a few cover a rotation. */
  static final int NEWEST = 20;

  private final Path dataDir;
  private final MediaFiles files;

  SealedMediaCheck(Path dataDir, MediaFiles files) {
    this.dataDir = dataDir;
    this.files = files;
  }

  /** @throws ConfigException when a sealed file of these calls cannot be opened with the keys given */
  void check(List<CallRecord> interrupted, List<CallRecord> newest) {
    for (List<CallRecord> calls : List.of(interrupted, newest)) {
      for (CallRecord call : calls) {
        Path wav = dataDir.resolve(call.mediaPath());
        open(wav);
        open(PayloadLog.pending(wav));
      }
    }
  }

  private void open(Path file) {
    if (!Files.isRegularFile(file)) {
      return;
    }
    try (MediaChannel ignored = files.open(file, false)) {
      // Opening unwraps the file's key: that is the check.
    } catch (SealedMediaException e) {
      throw new ConfigException("the call buffer holds sealed media that the media keys given cannot open: "
          + e.getMessage() + " ('media.keyFile' or 'media.key')");
    } catch (IOException e) {
      // An unreadable file is the media check's to report at consolidation, not a key problem.
    }
  }
}
