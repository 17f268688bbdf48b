package io.tandem.capture.rtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.call.DtmfEvent;
import io.tandem.capture.sip.PayloadFormat;
import io.tandem.decoding.CallDecoder;
import io.tandem.decoding.DecodeOutcome;
import io.tandem.decoding.Ffmpeg;
import io.tandem.media.WavFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PayloadLogTest {
  private static final PayloadFormat G722 = PayloadFormat.of(9, "G722/8000", null);
  private static final PayloadFormat OPUS = PayloadFormat.of(111, "opus/48000/2", "maxplaybackrate=16000");
  private static final PayloadFormat EVENTS = PayloadFormat.of(101, "telephone-event/8000", "0-15");

  @TempDir Path dir;

  @Test
  void packetsComeBackInTheirOrderWithTheFormatTheyHadOnTheirChannel() throws IOException {
    Path wav = dir.resolve("call.wav");
    PayloadLogWriter writer = new PayloadLogWriter(wav);
    writer.packet(0, G722, packet(9, 1, 1000, new byte[] {1, 2, 3}), 0);
    writer.flush();
    writer.packet(1, OPUS, packet(111, 2, 96_000, new byte[] {8}), 160);
    writer.packet(0, G722, packet(9, 3, 1160, new byte[] {4}), 160);
    writer.close();

    List<PayloadLog.Packet> read = read(PayloadLog.pending(wav));

    assertThat(read).extracting(PayloadLog.Packet::channel).containsExactly(0, 1, 0);
    assertThat(read).extracting(PayloadLog.Packet::format).containsExactly(G722, OPUS, G722);
    assertThat(read).extracting(PayloadLog.Packet::position).containsExactly(0L, 160L, 160L);
    assertThat(read).extracting(PayloadLog.Packet::sequence).containsExactly(1, 2, 3);
    assertThat(read.get(1).timestamp()).isEqualTo(96_000);
    assertThat(read.get(1).ssrc()).isEqualTo(0xABCDEF01L);
    assertThat(read.get(0).payload()).containsExactly(1, 2, 3);
  }

  @Test
  void aPayloadTypeANewOfferMapsToAnotherFormatIsReadWithItFromThen() throws IOException {
    Path wav = dir.resolve("remap.wav");
    PayloadFormat opus96 = PayloadFormat.of(96, "opus/48000/2", null);
    PayloadFormat ilbc96 = PayloadFormat.of(96, "iLBC/8000", "mode=30");
    PayloadLogWriter writer = new PayloadLogWriter(wav);
    writer.packet(0, opus96, packet(96, 1, 0, new byte[] {8}), 0);
    writer.packet(1, ilbc96, packet(96, 1, 0, new byte[50]), 0);
    writer.packet(0, ilbc96, packet(96, 2, 960, new byte[50]), 160);
    writer.packet(0, ilbc96, packet(96, 3, 1200, new byte[50]), 400);
    writer.close();

    assertThat(read(PayloadLog.pending(wav))).extracting(PayloadLog.Packet::format)
        .containsExactly(opus96, ilbc96, ilbc96, ilbc96);
  }

  @Test
  void aRecordCutShortByAKillEndsTheLogAndWhatCameBeforeIsKept() throws IOException {
    Path wav = dir.resolve("cut.wav");
    PayloadLogWriter writer = new PayloadLogWriter(wav);
    for (int i = 0; i < 10; i++) {
      writer.packet(0, G722, packet(9, i, i * 160L, new byte[160]), i * 160L);
    }
    writer.close();
    Path log = PayloadLog.pending(wav);
    try (FileChannel file = FileChannel.open(log, StandardOpenOption.WRITE)) {
      file.truncate(file.size() - 50);
    }

    assertThat(read(log)).hasSize(9);
  }

  @Test
  void aFileThatIsNoPayloadLogIsRefusedAndAMissingOneIsNone() throws IOException {
    Path other = Files.writeString(dir.resolve("other.payloads"), "RIFF....WAVE");

    assertThatThrownBy(() -> read(other)).hasMessageContaining("expected a payload log");
    assertThat(PayloadLog.read(dir.resolve("none.payloads"), packet -> { })).isFalse();
  }

  @Test
  void theDtmfOfACallCutOffBeforeItEndedIsReadFromItsLog() throws IOException {
    Path wav = dir.resolve("dtmf.wav");
    try (FileChannel file = FileChannel.open(wav, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      WavFile.writeHeader(file, 1, 0);
    }
    PayloadLogWriter writer = new PayloadLogWriter(wav);
    for (int step = 1; step <= 4; step++) {
      byte[] event = {7, (byte) (step == 4 ? 0x8A : 0x0A), 0, (byte) (step * 40)};
      writer.packet(0, EVENTS, packet(101, step, 4000, event), 3200);
    }
    writer.close();

    DecodeOutcome outcome = new CallDecoder(Ffmpeg.none()).decode(wav, PayloadLog.pending(wav));

    assertThat(outcome.dtmf()).containsExactly(new DtmfEvent("7", 400, 20));
    assertThat(outcome.rewritten()).isFalse();
    assertThat(outcome.complete()).isTrue();
  }

  private static List<PayloadLog.Packet> read(Path log) throws IOException {
    List<PayloadLog.Packet> packets = new ArrayList<>();
    PayloadLog.read(log, packets::add);
    return packets;
  }

  private static RtpPacket packet(int type, int sequence, long timestamp, byte[] payload) {
    byte[] bytes = new byte[RtpPacket.HEADER_LENGTH + payload.length];
    RtpPacket.write(bytes, type, false, sequence, timestamp, 0xABCDEF01L, payload, 0, payload.length);
    RtpPacket packet = new RtpPacket();
    packet.parse(bytes, 0, bytes.length);
    return packet;
  }
}
