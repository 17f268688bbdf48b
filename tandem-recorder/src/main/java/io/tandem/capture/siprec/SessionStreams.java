package io.tandem.capture.siprec;

import io.tandem.call.StreamInfo;
import io.tandem.capture.sip.MediaDescription;
import io.tandem.capture.sip.PayloadFormat;
import io.tandem.capture.sip.SessionDescription;
import io.tandem.capture.srtp.SdesCrypto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The media side of one recording session as offer and answer have left it: which SDP label records on
 * which WAV channel, which streams are on hold, and the SDP answer. Offers are read by {@link OfferedStreams}
 * (a line without a label stands by its position, codecs are chosen by {@link StreamCodec}, nothing is
 * refused for them). A later offer (a re-INVITE or an UPDATE with SDP) is answered line for line, in its
 * order: a known label keeps its channel; a stream the SRC holds ({@code a=inactive}, or {@code a=recvonly}
 * from its side) is answered {@code a=inactive} and goes on as silence, as one offered held at first does; a
 * stream removed with port 0 frees its channel; a stream the SRC adds takes a freed channel, or is declined
 * with port 0 when there is none, since a recording's WAV keeps the channel count it started with. An SRTP
 * stream is answered in its offer's profile with a key of the recorder's own (RFC 4568), kept while the offer
 * keeps its tag and suite; a new offered key is handed to the capture. Not thread-safe: its session guards it.
 */
final class SessionStreams {
  private static final String RECVONLY = "recvonly";
  private static final String INACTIVE = "inactive";

  private final String localAddress;
  private final long sdpSessionId;
  private final List<Integer> ports;
  private final String[] labelOnChannel;
  private final boolean[] held;
  private final List<List<PayloadFormat>> formatsOnChannel = new ArrayList<>();
  /** The key the SBC sends each channel's SRTP with (null: plain RTP), and the key the recorder answered with. */
  private final SdesCrypto[] offeredKeys;
  private final SdesCrypto[] answerKeys;
  /** Where the SBC's offer says each channel's media is (address and port), to notice a stream moved. */
  private final String[] offeredFrom;
  private List<StreamInfo> streams;
  private long version;
  private String answer;

  /** The session as the initial offer and answer left it: offered stream {@code i} on channel {@code i}. */
  SessionStreams(String localAddress, long sdpSessionId, List<OfferedStream> offered, List<StreamInfo> streams,
      List<Integer> ports) {
    this.localAddress = localAddress;
    this.sdpSessionId = sdpSessionId;
    this.ports = List.copyOf(ports);
    this.streams = List.copyOf(streams);
    this.labelOnChannel = new String[ports.size()];
    this.held = new boolean[ports.size()];
    this.offeredKeys = new SdesCrypto[ports.size()];
    this.answerKeys = new SdesCrypto[ports.size()];
    this.offeredFrom = new String[ports.size()];
    for (int channel = 0; channel < offered.size(); channel++) {
      labelOnChannel[channel] = offered.get(channel).label();
      held[channel] = offered.get(channel).held();
      formatsOnChannel.add(SiprecAnswer.answerable(offered.get(channel).formats()));
      offeredKeys[channel] = offered.get(channel).crypto();
      answerKeys[channel] = answerKey(offered.get(channel).crypto(), null);
      offeredFrom[channel] = where(offered.get(channel));
    }
    this.version = sdpSessionId;
    this.answer = SiprecAnswer.sdp(localAddress, sdpSessionId, offered, ports, Arrays.asList(answerKeys));
  }

  String answer() {
    return answer;
  }

  List<StreamInfo> streams() {
    return streams;
  }

  /** Takes the streams as metadata left them (a new sender for a label); channels and labels do not change. */
  void streams(List<StreamInfo> updated) {
    streams = List.copyOf(updated);
  }

  /**
   * What a new offer changed, for the log (empty when nothing), the quirks the offer showed, and in
   * {@code formats} the channels whose answered payload formats changed, with the new ones, for the capture to
   * read their packets by.
   */
  record Change(List<String> notes, boolean streamsChanged, List<String> quirks,
      Map<Integer, List<PayloadFormat>> formats, Map<Integer, Optional<SdesCrypto>> keys, Set<Integer> moved) {}

  private static String where(OfferedStream stream) {
    return stream.address() + " " + stream.port();
  }

  /** The SRTP key a stream's offered key is answered with: the one answered before while tag and suite stay. */
  private static SdesCrypto answerKey(SdesCrypto offered, SdesCrypto answered) {
    if (offered == null) {
      return null;
    }
    if (answered != null && answered.tag() == offered.tag() && answered.suite() == offered.suite()) {
      return answered;
    }
    return SdesCrypto.random(offered.tag(), offered.suite());
  }

  /**
   * Answers a new offer line for line and applies it.
   *
   * @param senders the stream senders of metadata that came with the offer, by label (may be empty)
   */
  Change reoffer(SessionDescription offer, Map<String, String> senders) {
    String[] labels = labelOnChannel.clone();
    Set<String> known = new HashSet<>(Arrays.asList(labels));
    OfferedStreams.Read read = OfferedStreams.read(offer, senders, known, false);
    List<StreamInfo> infos = new ArrayList<>(streams);
    List<MediaDescription> media = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Map<Integer, List<PayloadFormat>> formatChanges = new java.util.TreeMap<>();
    Map<Integer, Optional<SdesCrypto>> keyChanges = new java.util.TreeMap<>();
    SdesCrypto[] answered = answerKeys.clone();
    Set<Integer> moved = new java.util.TreeSet<>();
    boolean streamsChanged = false;
    for (OfferedStreams.Line line : read.lines()) {
      OfferedStream stream = line.stream();
      if (stream == null) {
        media.add(declined(line.media(), line.media().formats().isEmpty() ? List.of()
            : List.of(line.media().formats().get(0)), Map.of()));
        continue;
      }
      PayloadFormat format = stream.chosenFormat();
      int channel = indexOf(labels, stream.label());
      if (stream.port() == 0) {
        if (channel >= 0) {
          labels[channel] = null;
          held[channel] = false;
          notes.add("stream " + stream.label() + " removed");
        }
        media.add(declined(line.media(), List.of(format.payloadType()), Map.of()));
        continue;
      }
      List<PayloadFormat> formats = SiprecAnswer.answerable(stream.formats());
      if (channel < 0) {
        channel = indexOf(labels, null);
        if (channel < 0) {
          notes.add("stream " + stream.label() + " declined: the recording has " + labels.length
              + " channels, all in use");
          media.add(SiprecAnswer.media(0, formats, stream.label(), INACTIVE, localAddress, stream.proto(),
              answerKey(stream.crypto(), null)));
          continue;
        }
        labels[channel] = stream.label();
        notes.add("stream " + stream.label() + " added on channel " + channel);
      }
      if (stream.held() != held[channel]) {
        notes.add("stream " + stream.label() + (stream.held() ? " on hold" : " resumed"));
        held[channel] = stream.held();
      }
      StreamInfo previous = infos.get(channel);
      String sender = senders.getOrDefault(stream.label(),
          previous.label().equals(stream.label()) ? previous.participantId() : "");
      StreamInfo info = new StreamInfo(stream.label(), channel, sender, format.encoding());
      if (!info.equals(previous)) {
        infos.set(channel, info);
        streamsChanged = true;
      }
      if (!formats.equals(formatsOnChannel.get(channel))) {
        formatChanges.put(channel, formats);
      }
      if (!Objects.equals(stream.crypto(), offeredKeys[channel])) {
        keyChanges.put(channel, Optional.ofNullable(stream.crypto()));
        notes.add("stream " + stream.label() + (stream.crypto() == null ? " now plain RTP" : " keyed anew"));
      }
      answered[channel] = answerKey(stream.crypto(), answered[channel]);
      if (!where(stream).equals(offeredFrom[channel])) {
        // The SBC's media for this stream moved (a new address or port): its RTP may come from elsewhere now.
        moved.add(channel);
        offeredFrom[channel] = where(stream);
      }
      media.add(SiprecAnswer.media(ports.get(channel), formats, stream.label(), stream.held() ? INACTIVE : RECVONLY,
          localAddress, stream.proto(), answered[channel]));
    }
    String next = SiprecAnswer.sdp(localAddress, sdpSessionId, version + 1, media);
    if (!sameExceptVersion(next, answer)) {
      version++;
      answer = next;
    }
    System.arraycopy(labels, 0, labelOnChannel, 0, labels.length);
    streams = List.copyOf(infos);
    formatChanges.forEach(formatsOnChannel::set);
    keyChanges.forEach((channel, key) -> offeredKeys[channel] = key.orElse(null));
    System.arraycopy(answered, 0, answerKeys, 0, answered.length);
    return new Change(List.copyOf(notes), streamsChanged, read.quirks(), formatChanges, keyChanges, moved);
  }

  /** Whether the stream on {@code channel} is on hold. */
  boolean held(int channel) {
    return held[channel];
  }

  private MediaDescription declined(MediaDescription line, List<Integer> formats, Map<Integer, String> rtpmap) {
    return new MediaDescription(line.media(), 0, line.proto(), formats, rtpmap, line.label(), INACTIVE, localAddress);
  }

  private boolean sameExceptVersion(String candidate, String current) {
    return candidate.substring(candidate.indexOf("\r\n", candidate.indexOf("o=")))
        .equals(current.substring(current.indexOf("\r\n", current.indexOf("o="))));
  }

  private static int indexOf(String[] labels, String label) {
    return Arrays.asList(labels).indexOf(label);
  }
}
