package io.tandem.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.media.ToneAnalysis;
import io.tandem.media.WavAudio;
import io.tandem.media.WavFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What one recorder's call buffer holds of a load run's calls, known by their correlation keys, each with
 * two streams of {@code packetsPerStream} 20 ms packets and one tone a stream: the recorder's own media
 * statistics, and the packets found again in the WAVs (a stream's 20 ms of tone per packet; a missing
 * packet leaves 160 samples of silence).
 *
 * @param calls calls of the run in the buffer
 * @param complete those in state COMPLETE
 * @param packetsReceived the recorder's count of packets received, summed over the calls
 * @param packetsMissing per call, the packets the statistics show absent (fewer received than sent, or
 *     sequence gaps), summed
 * @param packetsInWavs 20 ms blocks of tone in the WAVs, summed over every channel of every call
 * @param channelsOffTone channels whose dominant tone is not the one their stream carried (a stream
 *     recorded into another call or another channel)
 * @param shortfalls the first calls whose WAV holds fewer packets of tone than were sent, each with its
 *     statistics and the packets of tone found in each channel: what a failed check needs to tell a loss
 *     in the network from one in the recorder
 */
record RecordedCalls(int calls, int complete, long packetsReceived, long packetsMissing, long packetsInWavs,
    int channelsOffTone, List<String> shortfalls) {
  private static final int MAX_SHORTFALLS = 20;
  private static final int SAMPLES_PER_PACKET = 160;
  /**
   * Zero samples in a row that are silence, not tone: the tones sent (300 Hz and up, at an amplitude of
   * 8,000 or more) move by over a thousand between samples near zero, so never hold zero twice in a row. A stream placed a
   * few samples later than its timeline, so as to lose none of a late packet, leaves a run that short.
   */
  private static final int MIN_SILENCE = 4;

  /** {@code tones} maps the correlation key of each call of the run to the tone of each of its streams. */
  static RecordedCalls of(RecorderProcess recorder, Map<String, double[]> tones, int packetsPerStream, Path scratch)
      throws IOException, InterruptedException {
    int calls = 0;
    int complete = 0;
    long received = 0;
    long missing = 0;
    long inWavs = 0;
    int offTone = 0;
    List<String> shortfalls = new ArrayList<>();
    Path wavFile = Files.createDirectories(scratch).resolve("recorded-" + recorder.serial + ".wav");
    for (JsonNode call : PairFixture.getJson(recorder.adminUrl() + "/api/calls?limit=100000")) {
      double[] callTones = tones.get(call.get("correlationKey").asText());
      if (callTones == null) {
        continue;
      }
      calls++;
      complete += "COMPLETE".equals(call.get("state").asText()) ? 1 : 0;
      JsonNode media = call.get("media");
      long callReceived = media.get("packetsReceived").asLong();
      received += callReceived;
      missing += Math.max(2L * packetsPerStream - callReceived, media.get("packetsLost").asLong());
      var response = PairFixture.getBytes(recorder.adminUrl() + "/api/calls/" + call.get("inum").asText() + "/media",
          null);
      if (response.statusCode() != 200) {
        throw new IllegalStateException("the media of call " + call + " answered " + response.statusCode());
      }
      WavAudio audio = WavFile.read(Files.write(wavFile, response.body()));
      long[] channelPackets = new long[audio.channels()];
      for (int channel = 0; channel < audio.channels(); channel++) {
        short[] samples = audio.channel(channel);
        channelPackets[channel] = Math.round((double) toneSamples(samples) / SAMPLES_PER_PACKET);
        inWavs += channelPackets[channel];
        boolean onTone = channel < callTones.length
            && ToneAnalysis.dominantFrequency(samples, WavFile.SAMPLE_RATE, callTones) == callTones[channel];
        offTone += onTone ? 0 : 1;
      }
      long sent = (long) callTones.length * packetsPerStream;
      if (Arrays.stream(channelPackets).sum() < sent && shortfalls.size() < MAX_SHORTFALLS) {
        shortfalls.add(String.format("%s: %d received, %d lost by its statistics, %d sent; tone packets by"
            + " channel %s; %d frames in the WAV; silences %s", call.get("inum").asText(), callReceived,
            media.get("packetsLost").asLong(), sent, Arrays.toString(channelPackets), audio.frames(),
            silences(audio)));
      }
    }
    return new RecordedCalls(calls, complete, received, missing, inWavs, offTone, List.copyOf(shortfalls));
  }

  /**
   * Each channel's runs of silence, as length@frame, at most ten a channel: a run shorter than a packet
   * marks audio cut or a stream moved by part of a packet, a long one a stream placed later than it was sent.
   */
  static String silences(WavAudio audio) {
    StringBuilder out = new StringBuilder();
    for (int channel = 0; channel < audio.channels(); channel++) {
      short[] samples = audio.channel(channel);
      out.append(channel == 0 ? "" : "; ").append("channel ").append(channel).append(':');
      int listed = 0;
      int run = 0;
      for (int i = 0; i <= samples.length && listed < 10; i++) {
        if (i < samples.length && samples[i] == 0) {
          run++;
          continue;
        }
        if (run >= MIN_SILENCE) {
          out.append(' ').append(run).append('@').append(i - run);
          listed++;
        }
        run = 0;
      }
    }
    return out.toString();
  }

  /** Samples outside runs of silence (see {@link #MIN_SILENCE}). */
  static long toneSamples(short[] samples) {
    long silent = 0;
    int run = 0;
    for (short sample : samples) {
      if (sample == 0) {
        run++;
      } else {
        silent += run >= MIN_SILENCE ? run : 0;
        run = 0;
      }
    }
    silent += run >= MIN_SILENCE ? run : 0;
    return samples.length - silent;
  }
}
