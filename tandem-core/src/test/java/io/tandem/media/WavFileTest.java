package io.tandem.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavFileTest {
  @TempDir Path dir;

  @Test
  void writtenStereoFileReadsBackSampleForSample() throws IOException {
    Path wav = dir.resolve("a.wav");
    short[] left = {1, -2, 300, Short.MAX_VALUE};
    short[] right = {-1, 2, -300, Short.MIN_VALUE};
    writeWav(wav, 2, left, right);

    WavAudio audio = WavFile.read(wav);

    assertThat(audio.channels()).isEqualTo(2);
    assertThat(audio.sampleRate()).isEqualTo(8000);
    assertThat(audio.channel(0)).containsExactly(left);
    assertThat(audio.channel(1)).containsExactly(right);
    assertThat(WavFile.dataBytes(wav)).isEqualTo(16);
  }

  @Test
  void headerDeclaresRiffAndDataSizes() throws IOException {
    Path wav = dir.resolve("h.wav");
    try (FileChannel ch = FileChannel.open(wav, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      WavFile.writeHeader(ch, 2, 32000);
    }
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.capacity()).isEqualTo(44);
    assertThat(b.getInt(4)).isEqualTo(36 + 32000);
    assertThat(b.getShort(22)).isEqualTo((short) 2);
    assertThat(b.getInt(24)).isEqualTo(8000);
    assertThat(b.getInt(28)).isEqualTo(32000);
    assertThat(b.getShort(32)).isEqualTo((short) 4);
    assertThat(b.getInt(40)).isEqualTo(32000);
  }

  @Test
  void repairRecomputesSizesAndDropsTrailingPartialFrame() throws IOException {
    Path wav = dir.resolve("abandoned.wav");
    try (FileChannel ch = FileChannel.open(wav, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      WavFile.writeHeader(ch, 2, 0);
      ch.write(ByteBuffer.allocate(8000 * 4 + 3), 44);
    }

    long repaired = WavFile.repair(wav, 2);

    assertThat(repaired).isEqualTo(32000);
    assertThat(Files.size(wav)).isEqualTo(44 + 32000);
    assertThat(WavFile.dataBytes(wav)).isEqualTo(32000);
    assertThat(WavFile.durationMillis(wav)).isEqualTo(1000);
    assertThat(WavFile.read(wav).frames()).isEqualTo(8000);
  }

  @Test
  void aWavAtAnotherRateKeepsItsRateThroughARepair() throws IOException {
    Path wav = dir.resolve("wide.wav");
    try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(wav,
        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
      WavFile.writeHeader(file, 2, 16000, 0);
      file.write(java.nio.ByteBuffer.allocate(64_001), WavFile.HEADER_BYTES);
    }

    assertThat(WavFile.repair(wav)).isEqualTo(64_000);
    assertThat(WavFile.header(wav).sampleRate()).isEqualTo(16000);
    assertThat(WavFile.durationMillis(wav)).isEqualTo(1000);
    assertThat(WavFile.read(wav).sampleRate()).isEqualTo(16000);
  }

  @Test
  void repairIsIdempotent() throws IOException {
    Path wav = dir.resolve("twice.wav");
    writeWav(wav, 1, new short[] {5, 6, 7});
    Files.write(wav, new byte[] {9}, StandardOpenOption.APPEND);

    long first = WavFile.repair(wav, 1);
    byte[] afterFirst = Files.readAllBytes(wav);
    long second = WavFile.repair(wav, 1);

    assertThat(second).isEqualTo(first).isEqualTo(6);
    assertThat(Files.readAllBytes(wav)).isEqualTo(afterFirst);
  }

  @Test
  void fileShorterThanHeaderBecomesEmptyWavOfGivenChannels() throws IOException {
    Path wav = dir.resolve("short.wav");
    Files.write(wav, new byte[] {'R', 'I', 'F'});

    assertThat(WavFile.repair(wav, 2)).isZero();

    WavAudio audio = WavFile.read(wav);
    assertThat(audio.channels()).isEqualTo(2);
    assertThat(audio.frames()).isZero();
  }

  @Test
  void repairWithoutChannelCountRefusesFileShorterThanHeader() throws IOException {
    Path wav = dir.resolve("tiny.wav");
    Files.write(wav, new byte[10]);

    assertThatThrownBy(() -> WavFile.repair(wav)).isInstanceOf(WavFormatException.class)
        .hasMessageContaining("44-byte header");
  }

  @Test
  void readingNonWavFileNamesWhatWasExpected() throws IOException {
    Path text = dir.resolve("notes.wav");
    Files.writeString(text, "this is plainly not audio, but it is long enough to look at");

    assertThatThrownBy(() -> WavFile.read(text)).isInstanceOf(WavFormatException.class)
        .hasMessageContaining("expected a RIFF/WAVE file");
    assertThatThrownBy(() -> WavFile.repair(text, 1)).isInstanceOf(WavFormatException.class);
  }

  @Test
  void headerRejectsImpossibleChannelCount() {
    assertThatThrownBy(() -> WavFile.header(0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("channels");
  }

  static void writeWav(Path wav, int channels, short[]... samples) throws IOException {
    int frames = samples[0].length;
    ByteBuffer data = ByteBuffer.allocate(frames * channels * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int f = 0; f < frames; f++) {
      for (short[] channel : samples) {
        data.putShort(channel[f]);
      }
    }
    data.flip();
    try (FileChannel ch = FileChannel.open(wav, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      WavFile.writeHeader(ch, channels, data.remaining());
      ch.write(data, 44);
    }
  }
}
