package io.tandem.capture.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.DtmfEvent;
import io.tandem.call.MediaStats;
import io.tandem.call.StreamInfo;
import io.tandem.callbuffer.CallBuffer;
import io.tandem.callbuffer.InumAllocator;
import io.tandem.callbuffer.LocalStore;
import io.tandem.capture.sip.PayloadFormat;
import io.tandem.decoding.CallDecoder;
import io.tandem.decoding.Ffmpeg;
import io.tandem.decoding.MediaDecoding;
import io.tandem.media.G711;
import io.tandem.media.ToneAnalysis;
import io.tandem.media.WavAudio;
import io.tandem.media.WavFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every common codec, encoded by a real encoder, sent as paced RTP to the capture, kept raw, then decoded by
 * the recorder's decoding (Debian's ffmpeg) into the call's WAV: the tone sent comes back at its frequency,
 * for as long as it was sent, at the rate the codec's audio has; DTMF comes back as events.
 */
class CodecRecordingTest {
  static final PayloadFormat PCMU = PayloadFormat.of(0, null, null);
  static final PayloadFormat PCMA = PayloadFormat.of(8, null, null);
  static final PayloadFormat GSM = PayloadFormat.of(3, null, null);
  static final PayloadFormat G722 = PayloadFormat.of(9, "G722/8000", null);
  static final PayloadFormat G729 = PayloadFormat.of(18, "G729/8000", "annexb=yes");
  static final PayloadFormat OPUS = PayloadFormat.of(111, "opus/48000/2", "useinbandfec=1");
  static final PayloadFormat ILBC = PayloadFormat.of(97, "iLBC/8000", "mode=20");
  static final PayloadFormat EVENTS = PayloadFormat.of(101, "telephone-event/8000", "0-16");
  static final List<PayloadFormat> OFFERED = List.of(OPUS, G722, G729, GSM, ILBC, PCMU, PCMA, EVENTS);
  private static final double[] TONES = {440, 700, 1000, 1300, 1800};

  @TempDir Path dataDir;
  @TempDir Path work;
  private LocalStore store;
  private CallBuffer buffer;
  /** The media of the call {@link #recorded} is sending, for a sender that changes its formats. */
  private CallMedia opened;
  private MediaCapture capture;
  private MediaDecoding decoding;
  private io.tandem.media.MediaFiles files = io.tandem.media.MediaFiles.plain();

  @BeforeEach
  void start() {
    RealEncoders.requireFfmpeg();
    store = LocalStore.open(dataDir.resolve("buffer.db"));
    buffer = new CallBuffer(store, new InumAllocator(store, 510_001, null), Clock.systemUTC());
    int base = 20000 + 2 * ThreadLocalRandom.current().nextInt(15000);
    capture = new MediaCapture("127.0.0.1", new RtpPortPool(base, base + 40), dataDir, Clock.systemUTC(),
        new CaptureSettings(1, Duration.ofMillis(200), Duration.ofMillis(50)));
    decoding = new MediaDecoding(dataDir, buffer, new CallDecoder(Ffmpeg.locate("ffmpeg")));
  }

  @AfterEach
  void stop() {
    if (capture != null) {
      capture.stop();
      store.close();
    }
  }

  @Test
  void g722IsReplayedAt16kHzWithItsTone() throws Exception {
    CallRecord call = recorded(sending(G722, RealEncoders.g722(1000, 1000, work), 160));

    assertTone(call, 0, 16000, 1000, 1000);
  }

  @Test
  void sealedMediaAreDecodedThroughPipesAndStaySealed() throws Exception {
    capture.stop();
    files = io.tandem.media.MediaFiles.of(io.tandem.media.sealed.MediaKeys.generate(), true);
    int base = 20000 + 2 * ThreadLocalRandom.current().nextInt(15000);
    capture = new MediaCapture("127.0.0.1", new RtpPortPool(base, base + 40), dataDir, Clock.systemUTC(),
        new CaptureSettings(1, Duration.ofMillis(200), Duration.ofMillis(50)), files);
    decoding = new MediaDecoding(dataDir, buffer, new CallDecoder(Ffmpeg.locate("ffmpeg"), files));
    CallRecord captured = recorded(sending(G722, RealEncoders.g722(1000, 1000, work), 160), false);
    Path wav = dataDir.resolve(captured.mediaPath());
    assertThat(io.tandem.media.MediaFiles.isSealed(PayloadLog.pending(wav))).as("the payload log is sealed").isTrue();

    CallRecord call = decoding.decodePending(captured);

    assertTone(call, 0, 16000, 1000, 1000);
    assertThat(io.tandem.media.MediaFiles.isSealed(wav)).as("the decoded WAV is sealed").isTrue();
    assertThat(CallDecoder.workFolder(wav)).doesNotExist();
  }

  @Test
  void opusIsReplayedAt48kHzWithItsTone() throws Exception {
    CallRecord call = recorded(sending(OPUS, RealEncoders.opus(1300, 1000, work), 960));

    assertTone(call, 0, 48000, 1300, 1000);
  }

  @Test
  void gsmIsDecodedAt8kHzWithItsTone() throws Exception {
    CallRecord call = recorded(sending(GSM, RealEncoders.gsm(700, 1000, work), 160));

    assertTone(call, 0, 8000, 700, 1000);
  }

  @Test
  void ilbcIn20And30MillisecondModesIsDecodedWithItsTone() throws Exception {
    CallRecord twenty = recorded(sending(ILBC, RealEncoders.ilbc(RealEncoders.tone(1000, 1000), 20), 160));
    List<byte[]> frames = RealEncoders.ilbc(RealEncoders.tone(1300, 990), 30);
    CallRecord thirty = recorded(ports -> send(ports.get(0), ILBC, frames, 240, 30));

    assertTone(twenty, 0, 8000, 1000, 1000);
    assertTone(thirty, 0, 8000, 1300, 990);
  }

  @Test
  void g729WithAnnexBSilenceKeepsItsToneAndItsSidFramesAreSilent() throws Throwable {
    short[] pcm = new short[12_000];
    System.arraycopy(RealEncoders.tone(1000, 500), 0, pcm, 0, 4000);
    System.arraycopy(RealEncoders.tone(1000, 500), 0, pcm, 8000, 4000);
    List<byte[]> packets = RealEncoders.g729(pcm);
    assertThat(packets).as("the encoder's packets in the silence").anyMatch(p -> p.length == 2 || p.length == 0);

    CallRecord call = recorded(sending(G729, packets, 160));

    WavAudio audio = assertTone(call, 0, 8000, 1000, 1500);
    short[] samples = audio.channel(0);
    double tone = ToneAnalysis.power(samples, 800, 3600, 8000, 1000);
    double silence = ToneAnalysis.power(samples, 4800, 7200, 8000, 1000);
    assertThat(silence).as("the 1 kHz power of the silence beside the tone's").isLessThan(tone / 1000);
    assertThat(ToneAnalysis.dominantFrequency(Arrays.copyOfRange(samples, 8800, 11_600), 8000, TONES))
        .isEqualTo(1000);
  }

  @Test
  void aStreamSwitchingCodecsMidCallIsRecordedInEachAtTheHighestRate() throws Exception {
    List<byte[]> g722 = RealEncoders.g722(1300, 1000, work);
    CallRecord call = recorded(ports -> {
      try (RtpTestSource source = new RtpTestSource(0, 7, 1000, 0x5157)) {
        RtpTestSource.paced(150, i -> {
          byte[] packet = i < 50 ? source.next(RtpTestSource.tone(700, i))
              : i < 100 ? source.next(G722.payloadType(), g722.get(i - 50), 160)
              : source.next(G711.PCMA, pcma(RtpTestSource.tone(1800, i)), 160);
          source.send(packet, ports.get(0));
        });
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });

    WavAudio audio = WavFile.read(dataDir.resolve(call.mediaPath()));
    assertThat(audio.sampleRate()).isEqualTo(16000);
    assertThat(audio.durationMillis()).isBetween(2960L, 3040L);
    short[] samples = audio.channel(0);
    assertThat(dominant(samples, 16000, 100, 900)).isEqualTo(700);
    assertThat(dominant(samples, 16000, 1100, 1900)).isEqualTo(1300);
    assertThat(dominant(samples, 16000, 2100, 2900)).isEqualTo(1800);
    assertThat(call.stats().durationMillis()).isEqualTo(audio.durationMillis());
    assertThat(call.quirks()).isEmpty();
  }

  @Test
  void twoStreamsInOpusAndG729LandInTheirChannelsAt48kHz() throws Throwable {
    List<byte[]> opus = RealEncoders.opus(1300, 1000, work);
    List<byte[]> g729 = RealEncoders.g729(RealEncoders.tone(700, 1000));
    CallRecord call = recorded(List.of(new StreamSpec(0, OFFERED), new StreamSpec(1, OFFERED)), ports -> {
      try (RtpTestSource a = new RtpTestSource(0, 1, 0, 0xA1); RtpTestSource b = new RtpTestSource(0, 1, 0, 0xB2)) {
        RtpTestSource.paced(50, i -> {
          a.send(a.next(OPUS.payloadType(), opus.get(i), 960), ports.get(0));
          b.send(b.next(G729.payloadType(), g729.get(i), 160), ports.get(1));
        });
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });

    WavAudio audio = WavFile.read(dataDir.resolve(call.mediaPath()));
    assertThat(audio.channels()).isEqualTo(2);
    assertThat(audio.sampleRate()).isEqualTo(48000);
    assertThat(dominant(audio.channel(0), 48000, 100, 900)).isEqualTo(1300);
    assertThat(dominant(audio.channel(1), 48000, 100, 900)).isEqualTo(700);
  }

  @Test
  void telephoneEventsComeBackAsOneDtmfEventPerKeyPressAndNeverAsAudio() throws Exception {
    CallRecord call = recorded(ports -> {
      try (RtpTestSource source = new RtpTestSource(0, 100, 8000, 0xD7F)) {
        int[][] presses = {{10, 1}, {30, 5}, {50, 11}};
        RtpTestSource.paced(70, i -> {
          long audioTimestamp = source.timestamp;
          source.send(source.next(RtpTestSource.tone(440, i)), ports.get(0));
          for (int[] press : presses) {
            int step = i - press[0];
            if (step >= 0 && step < 5) {
              long start = 8000 + press[0] * 160L;
              // An event's packets carry its start; the last is sent three times with the end bit.
              for (int copy = 0; copy < (step == 4 ? 3 : 1); copy++) {
                source.send(source.at(EVENTS.payloadType(), step == 0, start,
                    event(press[1], step == 4, (step + 1) * 160)), ports.get(0));
              }
            }
          }
          assertThat(audioTimestamp).isNotNegative();
        });
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });

    assertThat(call.dtmf()).extracting(DtmfEvent::digit).containsExactly("1", "5", "#");
    assertThat(call.dtmf()).extracting(DtmfEvent::durationMillis).containsOnly(100L);
    assertThat(call.dtmf()).extracting(DtmfEvent::startMillis).containsExactly(200L, 600L, 1000L);
    WavAudio audio = WavFile.read(dataDir.resolve(call.mediaPath()));
    assertThat(audio.sampleRate()).isEqualTo(8000);
    assertThat(audio.durationMillis()).isBetween(1360L, 1440L);
    assertThat(dominant(audio.channel(0), 8000, 100, 1300)).isEqualTo(440);
    assertThat(call.stats().packetsLost()).isZero();
  }

  @Test
  void withoutADecoderTheCallSaysWhichCodecStaysRawAndKeepsItsPayloads() throws Exception {
    decoding = new MediaDecoding(dataDir, buffer, new CallDecoder(Ffmpeg.none()));

    CallRecord call = recorded(sending(G722, RealEncoders.g722(1000, 600, work), 160));

    Path wav = dataDir.resolve(call.mediaPath());
    assertThat(call.quirks()).containsExactly("codec-unsupported:G722");
    assertThat(WavFile.read(wav).sampleRate()).isEqualTo(8000);
    assertThat(WavFile.read(wav).durationMillis()).isBetween(560L, 640L);
    assertThat(PayloadLog.pending(wav)).doesNotExist();
    assertThat(PayloadLog.kept(wav)).exists();
    assertThat(decoding.decodePending(call)).isEqualTo(call);
  }

  @Test
  void decodingAgainAfterACrashBetweenTheNewWavAndTheCallBufferGivesTheSameWav() throws Exception {
    CallRecord captured = recorded(sending(G722, RealEncoders.g722(1000, 600, work), 160), false);
    Path wav = dataDir.resolve(captured.mediaPath());
    Path copy = Files.copy(wav, work.resolve("captured.wav"));
    Files.copy(PayloadLog.pending(wav), work.resolve("captured.payloads"));
    CallDecoder decoder = new CallDecoder(Ffmpeg.locate("ffmpeg"));
    decoder.decode(copy, work.resolve("captured.payloads"));
    byte[] once = Files.readAllBytes(copy);

    // The WAV was replaced, then the process died before the call buffer and the payload log were told.
    decoder.decode(wav, PayloadLog.pending(wav));
    CallRecord call = decoding.decodePending(captured);

    assertThat(Files.readAllBytes(wav)).isEqualTo(once);
    assertThat(call.stats().bytes()).isEqualTo(WavFile.dataBytes(wav));
    assertThat(PayloadLog.pending(wav)).doesNotExist();
    assertThat(CallDecoder.workFolder(wav)).doesNotExist();
  }

  @Test
  void aStaticPayloadTypeNotOfferedAndADynamicOneARenewedOfferMapsAreBothRecorded() throws Exception {
    List<byte[]> g722 = RealEncoders.g722(1300, 600, work);
    List<byte[]> opus = RealEncoders.opus(700, 600, work);
    PayloadFormat opus96 = PayloadFormat.of(96, "opus/48000/2", null);
    List<StreamSpec> pcmuOnly = List.of(new StreamSpec(0, List.of(PCMU)));
    CallRecord call = recorded(pcmuOnly, ports -> {
      try (RtpTestSource source = new RtpTestSource(0, 1, 0, 0x96)) {
        // G.722 is static payload type 9: known without being offered. The same source then goes on in Opus,
        // its timestamps carrying on at another clock rate.
        RtpTestSource.paced(30, i -> source.send(source.next(G722.payloadType(), g722.get(i), 160), ports.get(0)));
        capture.formats(opened, 0, List.of(PCMU, opus96));
        RtpTestSource.paced(30, i -> source.send(source.next(96, opus.get(i), 960), ports.get(0)));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });

    WavAudio audio = WavFile.read(dataDir.resolve(call.mediaPath()));
    assertThat(audio.sampleRate()).isEqualTo(48000);
    assertThat(dominant(audio.channel(0), 48000, 60, 540)).isEqualTo(1300);
    assertThat(dominant(audio.channel(0), 48000, 660, 1140)).isEqualTo(700);
    assertThat(call.quirks()).isEmpty();
  }

  @Test
  void aCallCutOffMidwayKeepsItsRawPayloadsDecodableFromWhatWasOnDisk() throws Exception {
    List<byte[]> g722 = RealEncoders.g722(1000, 1000, work);
    CallRecord call = buffer.begin("cut-" + System.nanoTime(), Clock.systemUTC().instant(), CallRole.MASTER,
        List.of(), List.of(new StreamInfo("1", 0, "", "G722")));
    CallMedia media = capture.open(call.mediaPath(), List.of(new StreamSpec(0, OFFERED)));
    try (RtpTestSource source = new RtpTestSource(9, 1, 0, 0xC07)) {
      RtpTestSource.paced(50, i -> source.send(source.next(G722.payloadType(), g722.get(i), 160),
          media.ports().get(0)));
    }
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> capture.progress(media).durationMillis() >= 700);
    // What a kill -9 leaves: the files as the last flushes wrote them, the WAV's header never finalised.
    Path wav = Files.copy(media.wavPath(), work.resolve("cut.wav"));
    Files.copy(PayloadLog.pending(media.wavPath()), PayloadLog.pending(wav));
    capture.close(media).get(10, TimeUnit.SECONDS);

    WavFile.repair(wav, 1);
    new CallDecoder(Ffmpeg.locate("ffmpeg")).decode(wav, PayloadLog.pending(wav));

    WavAudio audio = WavFile.read(wav);
    assertThat(audio.sampleRate()).isEqualTo(16000);
    assertThat(audio.durationMillis()).isBetween(700L, 1040L);
    assertThat(dominant(audio.channel(0), 16000, 60, 640)).isEqualTo(1000);
  }

  @Test
  void whatADecodeCutOffByAKillLeftBehindIsClearedByTheNextDecode() throws Exception {
    CallRecord captured = recorded(sending(GSM, RealEncoders.gsm(700, 400, work), 160), false);
    Path wav = dataDir.resolve(captured.mediaPath());
    Path left = Files.createDirectories(CallDecoder.workFolder(wav));
    Files.write(left.resolve("decoded.wav"), new byte[1000]);
    Files.write(left.resolve("run-0.in"), new byte[33]);

    CallRecord call = decoding.decodePending(captured);

    assertThat(CallDecoder.workFolder(wav)).doesNotExist();
    assertTone(call, 0, 8000, 700, 400);
  }

  @Test
  void packetTimesFrom10To60MillisecondsChangingMidCallArePlacedEndToEnd() throws Exception {
    int[] periods = {10, 20, 30, 60, 20, 10, 60};
    int[] counts = {20, 10, 10, 5, 10, 20, 5};
    CallRecord call = recorded(List.of(new StreamSpec(0, OFFERED)), ports -> {
      try (RtpTestSource source = new RtpTestSource(0, 9, 0, 0x97)) {
        long sample = 0;
        for (int part = 0; part < periods.length; part++) {
          int samples = periods[part] * 8;
          long first = sample;
          RtpTestSource.paced(counts[part], periods[part], i -> {
            short[] pcm = new short[samples];
            for (int s = 0; s < samples; s++) {
              pcm[s] = ToneAnalysis.toneSample(1000, 8000, first + (long) i * samples + s, 6000);
            }
            source.send(source.next(pcm), ports.get(0));
          });
          sample += (long) counts[part] * samples;
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });

    short[] samples = WavFile.read(dataDir.resolve(call.mediaPath())).channel(0);
    int sent = 0;
    for (int part = 0; part < periods.length; part++) {
      sent += periods[part] * counts[part] * 8;
    }
    assertThat(samples).hasSize(sent);
    for (int i = 0; i < samples.length; i++) {
      short expected = RtpTestSource.decodedLevel(0, ToneAnalysis.toneSample(1000, 8000, i, 6000));
      assertThat(samples[i]).as("sample %d", i).isEqualTo(expected);
    }
  }

  /** Records one call of one stream that offers every codec, sending with {@code send}, then decodes it. */
  private CallRecord recorded(Consumer<List<Integer>> send) throws Exception {
    return recorded(List.of(new StreamSpec(0, OFFERED)), send);
  }

  private CallRecord recorded(Consumer<List<Integer>> send, boolean decode) throws Exception {
    return recorded(List.of(new StreamSpec(0, OFFERED)), send, decode);
  }

  private CallRecord recorded(List<StreamSpec> specs, Consumer<List<Integer>> send) throws Exception {
    return recorded(specs, send, true);
  }

  private CallRecord recorded(List<StreamSpec> specs, Consumer<List<Integer>> send, boolean decode)
      throws Exception {
    List<StreamInfo> streams = new ArrayList<>();
    for (StreamSpec spec : specs) {
      streams.add(new StreamInfo(Integer.toString(spec.channel() + 1), spec.channel(), "", "OPUS"));
    }
    CallRecord call = buffer.begin("codec-" + System.nanoTime(), Clock.systemUTC().instant(), CallRole.MASTER,
        List.of(), streams);
    CallMedia media = capture.open(call.mediaPath(), specs);
    opened = media;
    send.accept(media.ports());
    MediaStats stats = capture.close(media).get(10, TimeUnit.SECONDS);
    CallRecord finished = buffer.finish(call.inum(), Clock.systemUTC().instant(), CallState.COMPLETE, stats,
        capture.dtmf(media));
    return decode ? decoding.decodePending(finished) : finished;
  }

  private static Consumer<List<Integer>> sending(PayloadFormat format, List<byte[]> payloads, int step) {
    return ports -> send(ports.get(0), format, payloads, step, 20);
  }

  private static void send(int port, PayloadFormat format, List<byte[]> payloads, int step, int periodMillis) {
    try (RtpTestSource source = new RtpTestSource(format.payloadType(), 1, 40_000, 0xC0DEC)) {
      RtpTestSource.paced(payloads.size(), periodMillis, i -> {
        if (payloads.get(i).length > 0) {
          source.send(source.next(format.payloadType(), payloads.get(i), step), port);
        } else {
          // Nothing to send in a silence: the timestamp goes on.
          source.timestamp += step;
        }
      });
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Asserts the call's decoded WAV: its rate, its length, its tone throughout; returns it. */
  private WavAudio assertTone(CallRecord call, int channel, int rate, double tone, long millis) throws Exception {
    Path wav = dataDir.resolve(call.mediaPath());
    WavAudio audio = WavFile.read(files, wav);
    assertThat(audio.sampleRate()).as("sample rate").isEqualTo(rate);
    assertThat(audio.durationMillis()).as("duration").isBetween(millis - 40, millis + 40);
    assertThat(call.stats().durationMillis()).isEqualTo(audio.durationMillis());
    assertThat(call.stats().bytes()).isEqualTo((long) audio.frames() * audio.channels() * 2);
    long half = millis / 2;
    assertThat(dominant(audio.channel(channel), rate, 60, half)).as("tone of the first half").isEqualTo(tone);
    assertThat(dominant(audio.channel(channel), rate, half, millis - 60)).as("tone of the second half")
        .isEqualTo(tone);
    assertThat(ToneAnalysis.power(audio.channel(channel), rate * 60 / 1000, rate * (int) (millis - 60) / 1000, rate,
        tone)).as("power of the tone").isGreaterThan(1e5);
    assertThat(call.quirks()).isEmpty();
    assertThat(PayloadLog.pending(wav)).doesNotExist();
    return audio;
  }

  private static double dominant(short[] samples, int rate, long fromMillis, long toMillis) {
    return ToneAnalysis.dominantFrequency(Arrays.copyOfRange(samples, (int) (fromMillis * rate / 1000),
        (int) (toMillis * rate / 1000)), rate, TONES);
  }

  private static byte[] pcma(short[] pcm) {
    byte[] out = new byte[pcm.length];
    for (int i = 0; i < pcm.length; i++) {
      out[i] = G711.linearToAlaw(pcm[i]);
    }
    return out;
  }

  private static byte[] event(int code, boolean end, int duration) {
    return new byte[] {(byte) code, (byte) ((end ? 0x80 : 0) | 10), (byte) (duration >> 8), (byte) duration};
  }
}
