package io.tandem.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.tandem.media.ToneAnalysis;
import io.tandem.media.WavAudio;
import io.tandem.media.WavFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 */
record RecordedCalls(int calls, int complete, long packetsReceived, long packetsMissing, long packetsInWavs,
    int channelsOffTone) {
  private static final int SAMPLES_PER_PACKET = 160;

  /** {@code tones} maps the correlation key of each call of the run to the tone of each of its streams. */
  static RecordedCalls of(RecorderProcess recorder, Map<String, double[]> tones, int packetsPerStream, Path scratch)
      throws IOException, InterruptedException {
    int calls = 0;
    int complete = 0;
    long received = 0;
    long missing = 0;
    long inWavs = 0;
    int offTone = 0;
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
      for (int channel = 0; channel < audio.channels(); channel++) {
        short[] samples = audio.channel(channel);
        inWavs += Math.round((double) toneSamples(samples) / SAMPLES_PER_PACKET);
        boolean onTone = channel < callTones.length
            && ToneAnalysis.dominantFrequency(samples, WavFile.SAMPLE_RATE, callTones) == callTones[channel];
        offTone += onTone ? 0 : 1;
      }
    }
    return new RecordedCalls(calls, complete, received, missing, inWavs, offTone);
  }

  /** Samples outside runs of silence at least half a packet long: G.711 tone never holds zero that long. */
  static long toneSamples(short[] samples) {
    long silent = 0;
    int run = 0;
    for (short sample : samples) {
      if (sample == 0) {
        run++;
      } else {
        silent += run >= SAMPLES_PER_PACKET / 2 ? run : 0;
        run = 0;
      }
    }
    silent += run >= SAMPLES_PER_PACKET / 2 ? run : 0;
    return samples.length - silent;
  }
}
