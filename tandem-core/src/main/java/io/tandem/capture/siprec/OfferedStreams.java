package io.tandem.capture.siprec;

import io.tandem.capture.Quirks;
import io.tandem.capture.sip.MediaDescription;
import io.tandem.capture.sip.PayloadFormat;
import io.tandem.capture.sip.SessionDescription;
import io.tandem.capture.srtp.SdesCrypto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The audio streams of an SDP offer, line by line, as a recorder takes them: each {@code m=audio} line is a
 * stream whatever its direction, its codec chosen by {@link StreamCodec}; a line without {@code a=label} is
 * labelled by its position among the m-lines (1-based, or {@code stream-<n>} when another line already uses
 * that label); no {@code c=} line leaves the address empty. The quirks say what was odd. Stateless.
 */
public final class OfferedStreams {
  /** One m-line of the offer: its description, and its stream (null for a line that is not audio). */
  public record Line(MediaDescription media, OfferedStream stream) {}

  /** Every m-line of the offer in order, and the quirks of the offer. */
  public record Read(List<Line> lines, List<String> quirks) {
    public Read {
      lines = List.copyOf(lines);
      quirks = List.copyOf(quirks);
    }

    /** The audio streams, in offer order. */
    public List<OfferedStream> streams() {
      return lines.stream().map(Line::stream).filter(stream -> stream != null).toList();
    }
  }

  private OfferedStreams() {}

  /**
   * The first {@code a=crypto} line of an SRTP line that a recorder can receive with (SDES over RTP/SAVP or
   * RTP/SAVPF, not DTLS-SRTP), or null.
   */
  static SdesCrypto crypto(MediaDescription media) {
    String proto = media.proto().toUpperCase(Locale.ROOT);
    if (!OfferedStream.secure(proto) || !proto.startsWith("RTP/")) {
      return null;
    }
    for (String attribute : media.otherAttributes()) {
      if (attribute.regionMatches(true, 0, "crypto:", 0, 7)) {
        try {
          return SdesCrypto.parse(attribute.substring(7));
        } catch (IllegalArgumentException e) {
          // A suite or key the recorder cannot use: the next line may offer one it can.
        }
      }
    }
    return null;
  }

  /**
   * Refuses an offer with an SRTP stream the recorder cannot receive: nothing of that stream could be recorded.
   *
   * @throws SiprecException 488, naming the stream and what was expected
   */
  public static void requireUsableCrypto(Read read) throws SiprecException {
    for (OfferedStream stream : read.streams()) {
      if (stream.secure() && stream.crypto() == null && stream.port() != 0) {
        throw new SiprecException(488, SiprecException.SRTP_UNUSABLE, "Not Acceptable Here (expected stream "
            + stream.label() + " (" + stream.proto() + ") to offer SDES keys, a=crypto with AES_CM_128_HMAC_SHA1_80 or "
            + "AES_CM_128_HMAC_SHA1_32 and one inline key)");
      }
    }
  }

  /**
   * Reads the offer's lines; {@code senders} names the participant that sends each label (empty when unknown).
   * The {@code starts-...} quirks are those of a stream's first direction: pass {@code firstOffer} false for a
   * re-offer, whose known streams already had theirs.
   */
  public static Read read(SessionDescription sdp, Map<String, String> senders, Set<String> knownLabels,
      boolean firstOffer) {
    Set<String> quirks = new LinkedHashSet<>();
    if (!sdp.skippedLines().isEmpty()) {
      quirks.add(Quirks.SDP_LINE_SKIPPED);
    }
    if (sdp.withoutConnection()) {
      quirks.add(Quirks.NO_C_LINE);
    }
    Set<String> given = new HashSet<>();
    sdp.media().forEach(m -> {
      if (m.label() != null) {
        given.add(m.label());
      }
    });
    List<Line> lines = new ArrayList<>();
    for (int index = 0; index < sdp.media().size(); index++) {
      MediaDescription media = sdp.media().get(index);
      if (!media.media().equalsIgnoreCase("audio") || media.formats().isEmpty()) {
        lines.add(new Line(media, null));
        continue;
      }
      String label = media.label();
      if (label == null) {
        quirks.add(Quirks.NO_LABEL);
        label = given.contains(Integer.toString(index + 1)) ? "stream-" + (index + 1) : Integer.toString(index + 1);
      }
      String direction = media.direction().toLowerCase(Locale.ROOT);
      String starts = Quirks.startsWith(direction);
      if (starts != null && media.port() != 0 && (firstOffer || !knownLabels.contains(label))) {
        quirks.add(starts);
      }
      List<PayloadFormat> formats = media.payloadFormats();
      PayloadFormat chosen = StreamCodec.choose(formats);
      StreamCodec.quirk(chosen).ifPresent(quirks::add);
      lines.add(new Line(media, new OfferedStream(label, chosen.payloadType(), senders.get(label),
          media.connectionAddress(), media.port(), formats, direction, media.proto(), crypto(media))));
    }
    return new Read(lines, List.copyOf(quirks));
  }
}
