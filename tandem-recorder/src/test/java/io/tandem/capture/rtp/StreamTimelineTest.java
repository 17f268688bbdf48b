package io.tandem.capture.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.media.G711;
import io.tandem.media.WavAudio;
import io.tandem.media.WavFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a stream's packets land on its call's timeline when one stream falls behind the other by more
 * than the jitter delay, so that the call's WAV is written past the lagging stream's next packet: every
 * sample of every packet received must still reach the WAV.
 */
class StreamTimelineTest {
  private static final int PACKET = 160;
  private static final long JITTER_MILLIS = 200;

  @TempDir Path dir;
  private final List<FileChannel> files = new ArrayList<>();

  @AfterEach
  void closeFiles() throws IOException {
    for (FileChannel file : files) {
      file.close();
    }
  }

  @Test
  void aPacketArrivingWhileItsPlaceIsPartlyWrittenIsKeptWholeJustPastTheWrittenAudio() throws IOException {
    CallRecording call = call("lagging.wav", 2);
    StreamTimeline ahead = new StreamTimeline(call, 0, 0, null, 2 * PACKET);
    StreamTimeline lagging = new StreamTimeline(call, 1, 0, null, 2 * PACKET);
    call.streams = new StreamTimeline[] {ahead, lagging};

    // Both streams start together; the first one keeps its pace for 400 ms, the other sends 6 packets.
    for (int i = 0; i < 20; i++) {
      assertThat(ahead.place(packet(0x1111, i, 1000), call.arrivalPosition(20L * i))).isTrue();
    }
    for (int i = 0; i < 6; i++) {
      assertThat(lagging.place(packet(0x2222, i, -1000), call.arrivalPosition(20L * i))).isTrue();
    }
    // 325 ms in, what is older than the 200 ms jitter delay is written: 1000 frames, part way into the
    // lagging stream's seventh packet, frames [960, 1120).
    call.flushDue(325, JITTER_MILLIS);
    assertThat(call.writtenFrames()).isEqualTo(1000);

    assertThat(lagging.place(packet(0x2222, 6, -1000), call.arrivalPosition(330))).isTrue();
    assertThat(lagging.place(packet(0x2222, 7, -1000), call.arrivalPosition(330))).isTrue();
    call.flushAll();
    WavFile.writeHeader(call.file, 2, call.writtenFrames() * 2 * WavFile.BYTES_PER_SAMPLE);

    WavAudio audio = WavFile.read(call.wav);
    short[] laggingChannel = audio.channel(1);
    assertThat(nonSilent(laggingChannel)).as("samples of the lagging stream's 8 packets").isEqualTo(8 * PACKET);
    assertThat(Arrays.copyOfRange(laggingChannel, 960, 1000)).as("what was written before it came").containsOnly(
        (short) 0);
    assertThat(Arrays.copyOfRange(laggingChannel, 1000, 1000 + 2 * PACKET)).as("the late packets, right after")
        .doesNotContain((short) 0);
    assertThat(nonSilent(audio.channel(0))).isEqualTo(20 * PACKET);
    assertThat(call.packetsLost()).isZero();
    assertThat(call.stats().packetsLost()).isZero();
  }

  @Test
  void anOlderPacketArrivingAfterItsPlaceWasWrittenIsCountedLost() throws IOException {
    CallRecording call = call("reordered.wav", 1);
    StreamTimeline stream = new StreamTimeline(call, 0, 0, null, 2 * PACKET);
    call.streams = new StreamTimeline[] {stream};
    for (int i = 0; i < 20; i++) {
      if (i != 3) {
        stream.place(packet(0x3333, i, 1000), call.arrivalPosition(20L * i));
      }
    }
    call.flushDue(400, JITTER_MILLIS);

    assertThat(stream.place(packet(0x3333, 3, 1000), call.arrivalPosition(400))).as("placed").isFalse();
    assertThat(call.packetsLost()).isEqualTo(1);
  }

  /** A call recording into a new WAV file of its own, its streams still to be set. */
  private CallRecording call(String name, int channels) throws IOException {
    Path wav = dir.resolve(name);
    FileChannel file = FileChannel.open(wav, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    files.add(file);
    file.write(WavFile.header(channels, 0));
    return new CallRecording(wav, new io.tandem.media.PlainMediaChannel(file), channels, 8192, new PcmBlockWriter(),
        io.tandem.media.MediaFiles.plain());
  }

  private static RtpPacket packet(long ssrc, int index, int level) {
    byte[] payload = new byte[PACKET];
    Arrays.fill(payload, G711.encode(G711.PCMU, (short) level));
    byte[] datagram = new byte[RtpPacket.HEADER_LENGTH + PACKET];
    RtpPacket.write(datagram, G711.PCMU, false, 100 + index, 5000L + (long) PACKET * index, ssrc, payload, 0,
        PACKET);
    RtpPacket packet = new RtpPacket();
    assertThat(packet.parse(datagram, 0, datagram.length)).isTrue();
    return packet;
  }

  private static long nonSilent(short[] samples) {
    long count = 0;
    for (short sample : samples) {
      count += sample != 0 ? 1 : 0;
    }
    return count;
  }
}
