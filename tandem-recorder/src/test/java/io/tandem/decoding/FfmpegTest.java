package io.tandem.decoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FfmpegTest {
  @TempDir
  Path dir;

  /**
   * A stand-in for ffmpeg whose decoder listing waits until the file {@code gate} exists, and whose every other run
   * writes its arguments to {@code ran}.
   */
  private Path programBehindGate() throws Exception {
    Path program = dir.resolve("ffmpeg");
    Files.writeString(program, """
        #!/bin/sh
        case "$*" in
          *-decoders*)
            while [ ! -f "%1$s/gate" ]; do sleep 0.02; done
            echo " A....D opus                 Opus"
            echo " V....D h264                 H.264" ;;
          *) echo "$*" > "%1$s/ran" ;;
        esac
        """.formatted(dir));
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
    return program;
  }

  @Test
  void aStartDoesNotWaitForTheLookUpButADecodeDoes() throws Exception {
    Ffmpeg ffmpeg = Ffmpeg.locateInBackground(programBehindGate().toString());
    // Reached while the listing is still held at its gate: the look-up did not hold up the caller.
    CompletableFuture<Boolean> decodesOpus = CompletableFuture.supplyAsync(() -> ffmpeg.decodes(List.of("opus")));
    CompletableFuture<Void> decoded = CompletableFuture.runAsync(() -> {
      try {
        ffmpeg.run(List.of("-i", "call.raw", "call.wav"), Duration.ofSeconds(30));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertThat(decodesOpus).isNotDone();
    assertThat(decoded).isNotDone();
    assertThat(dir.resolve("ran")).doesNotExist();

    Files.createFile(dir.resolve("gate"));
    await().atMost(Duration.ofSeconds(30)).until(decoded::isDone);
    assertThat(decodesOpus.get()).isTrue();
    assertThat(ffmpeg.decodes(List.of("h264"))).as("video decoders are not listed").isFalse();
    assertThat(ffmpeg.available()).isTrue();
    assertThat(decoded).isCompleted();
    assertThat(Files.readString(dir.resolve("ran"))).contains("-i call.raw call.wav");
  }

  @Test
  void aProgramNotFoundInTheBackgroundDecodesNothing() {
    Ffmpeg ffmpeg = Ffmpeg.locateInBackground(dir.resolve("no-such-ffmpeg").toString());
    assertThat(ffmpeg.available()).isFalse();
    assertThat(ffmpeg.decodes(List.of("opus"))).isFalse();
    assertThatThrownBy(() -> ffmpeg.run(List.of("-version"), Duration.ofSeconds(5)))
        .hasMessageContaining("no media decoder is available");
  }

  @Test
  void noDecoderConfiguredDecodesNothing() {
    assertThat(Ffmpeg.locateInBackground("").available()).isFalse();
    assertThat(Ffmpeg.locate(" ").decodes(List.of("opus"))).isFalse();
  }
}
