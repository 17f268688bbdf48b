package io.tandem.capture.siprec;

import io.tandem.call.StreamInfo;
import io.tandem.capture.sip.MediaDescription;
import io.tandem.capture.sip.PayloadFormat;
import io.tandem.capture.sip.SessionDescription;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The media side of one recording session as offer and answer have left it: which SDP label records on
 * which WAV channel, which streams are on hold, and the SDP answer. A later offer (a re-INVITE or an
 * UPDATE with SDP) is answered line for line, in its order: a known label keeps its channel; a stream
 * the SRC holds ({@code a=inactive}, or {@code a=recvonly} from its side) is answered {@code a=inactive}
 * and goes on as silence; a stream removed with port 0 frees its channel; a stream the SRC adds takes a
 * freed channel, or is declined with port 0 when there is none, since a recording's WAV keeps the
 * channel count it started with. An offer that cannot be taken as a whole changes nothing. Not
 * thread-safe: its session guards it.
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
    for (int channel = 0; channel < offered.size(); channel++) {
      labelOnChannel[channel] = offered.get(channel).label();
      formatsOnChannel.add(SiprecAnswer.answerable(offered.get(channel).formats()));
    }
    this.version = sdpSessionId;
    this.answer = SiprecAnswer.sdp(localAddress, sdpSessionId, offered, ports);
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
   * What a new offer changed, for the log; empty when it changed nothing. {@code formats} holds the channels
   * whose answered payload formats changed, with the new ones, for the capture to read their packets by.
   */
  record Change(List<String> notes, boolean streamsChanged, Map<Integer, List<PayloadFormat>> formats) {}

  /**
   * Answers a new offer, applying it only when every line of it can be taken.
   *
   * @param senders the stream senders of metadata that came with the offer, by label (may be empty)
   * @throws SiprecException 488 when an audio line has no label; nothing changes then
   */
  Change reoffer(SessionDescription offer, Map<String, String> senders) throws SiprecException {
    String[] labels = labelOnChannel.clone();
    boolean[] hold = held.clone();
    List<StreamInfo> infos = new ArrayList<>(streams);
    List<MediaDescription> media = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Map<Integer, List<PayloadFormat>> formatChanges = new java.util.TreeMap<>();
    boolean streamsChanged = false;
    for (MediaDescription line : offer.media()) {
      if (!line.media().equalsIgnoreCase("audio")) {
        media.add(declined(line, line.formats().isEmpty() ? List.of() : List.of(line.formats().get(0)), Map.of()));
        continue;
      }
      if (line.label() == null || line.label().isEmpty()) {
        throw new SiprecException(488, "Not Acceptable Here (expected a=label on every m=audio line)");
      }
      int channel = indexOf(labels, line.label());
      if (line.port() == 0) {
        if (channel >= 0) {
          labels[channel] = null;
          hold[channel] = false;
          notes.add("stream " + line.label() + " removed");
        }
        media.add(declined(line, line.formats().isEmpty() ? List.of() : List.of(line.formats().get(0)), Map.of()));
        continue;
      }
      List<PayloadFormat> formats = SiprecAnswer.answerable(line.payloadFormats());
      int payloadType = SiprecAnswer.chosenPayloadType(line.payloadFormats());
      if (channel < 0) {
        channel = indexOf(labels, null);
        if (channel < 0) {
          notes.add("stream " + line.label() + " declined: the recording has " + labels.length + " channels, all in use");
          media.add(SiprecAnswer.media(0, formats, line.label(), INACTIVE, localAddress));
          continue;
        }
        labels[channel] = line.label();
        notes.add("stream " + line.label() + " added on channel " + channel);
      }
      String direction = line.direction().toLowerCase(Locale.ROOT);
      boolean onHold = direction.equals(INACTIVE) || direction.equals(RECVONLY);
      if (onHold != hold[channel]) {
        notes.add("stream " + line.label() + (onHold ? " on hold" : " resumed"));
        hold[channel] = onHold;
      }
      StreamInfo previous = infos.get(channel);
      String sender = senders.getOrDefault(line.label(),
          previous.label().equals(line.label()) ? previous.participantId() : "");
      StreamInfo info = new StreamInfo(line.label(), channel, sender, codecName(formats, payloadType));
      if (!info.equals(previous)) {
        infos.set(channel, info);
        streamsChanged = true;
      }
      if (!formats.equals(formatsOnChannel.get(channel))) {
        formatChanges.put(channel, formats);
      }
      media.add(SiprecAnswer.media(ports.get(channel), formats, line.label(), onHold ? INACTIVE : RECVONLY,
          localAddress));
    }
    String next = SiprecAnswer.sdp(localAddress, sdpSessionId, version + 1, media);
    if (!sameExceptVersion(next, answer)) {
      version++;
      answer = next;
    }
    System.arraycopy(labels, 0, labelOnChannel, 0, labels.length);
    System.arraycopy(hold, 0, held, 0, hold.length);
    streams = List.copyOf(infos);
    formatChanges.forEach(formatsOnChannel::set);
    return new Change(List.copyOf(notes), streamsChanged, formatChanges);
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

  /** The encoding of {@code payloadType} among {@code formats}, as the call's stream shows its codec. */
  static String codecName(List<PayloadFormat> formats, int payloadType) {
    for (PayloadFormat format : formats) {
      if (format.payloadType() == payloadType) {
        return format.encoding();
      }
    }
    return PayloadFormat.of(payloadType, null, null).encoding();
  }
}
