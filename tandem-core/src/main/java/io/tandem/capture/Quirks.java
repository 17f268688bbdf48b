package io.tandem.capture;

import java.util.Locale;

/**
 * The kinds of quirk a call can show: what a capture source sent that was odd but recordable. Each is a short
 * kebab-case string, shared by every part of the project that notes one (a call lists each kind once, in the
 * order first seen; a recorder counts each occurrence by kind). A kind with a parameter carries it after a
 * colon. Stateless.
 */
public final class Quirks {
  /** An INVITE recognised as SIPREC by its body without {@code Require: siprec}. */
  public static final String NO_REQUIRE_SIPREC = "no-require-siprec";
  /** {@code +sip.src} written as a URI parameter inside the Contact's angle brackets. */
  public static final String SRC_TAG_IN_URI = "src-tag-in-uri";
  /** The older {@code ;src} feature tag instead of {@code +sip.src}. */
  public static final String SRC_TAG_LEGACY = "src-tag-legacy";
  /** No recording-client feature tag at all on a request that claims to be SIPREC. */
  public static final String NO_SRC_TAG = "no-src-tag";
  /** A Contact read only as far as it could be (no closing bracket, an unclosed quote). */
  public static final String CONTACT_MALFORMED = "contact-malformed";
  /** Delimiter lines with trailing whitespace, or a quoted boundary parameter with trailing spaces. */
  public static final String MIME_PADDED_BOUNDARY = "mime-padded-boundary";
  /** A multipart body without its closing delimiter. */
  public static final String MIME_NO_CLOSING_DELIMITER = "mime-no-closing-delimiter";
  /** A multipart body whose delimiters are not those its Content-Type names; its first delimiter line was used. */
  public static final String MIME_BOUNDARY_MISMATCH = "mime-boundary-mismatch";
  /** A body part whose headers end without an empty line, or with a line that is not a header. */
  public static final String MIME_MALFORMED_PART = "mime-malformed-part";
  /** A plain INVITE with SDP only; participants taken from From, To, P-Asserted-Identity and Diversion. */
  public static final String NO_METADATA = "no-metadata";
  /** The recording metadata arrived only after the first INVITE. */
  public static final String METADATA_LATE = "metadata-late";
  /** Recording metadata that could not be read at all (kept raw). */
  public static final String METADATA_UNREADABLE = "metadata-unreadable";
  /** Metadata that uses a namespace prefix it never declares, read by the names after the prefixes. */
  public static final String METADATA_UNDECLARED_PREFIX = "metadata-undeclared-prefix";
  /** The older draft SIPREC metadata schema. */
  public static final String METADATA_DRAFT_SCHEMA = "metadata-draft-schema";
  /** Associations that name participant or stream ids the metadata does not define. */
  public static final String METADATA_UNKNOWN_IDS = "metadata-unknown-ids";
  /** The metadata of a new recording session names no communication session id. */
  public static final String METADATA_NO_SESSION_ID = "metadata-no-session-id";
  /** A participant without an id; it is listed under one made from its position. */
  public static final String METADATA_PARTICIPANT_WITHOUT_ID = "metadata-participant-without-id";
  /** An xs:dateTime without a zone, taken as UTC. */
  public static final String TIME_WITHOUT_ZONE = "time-without-zone";
  /** A time that could not be read at all; it is left out. */
  public static final String TIME_UNREADABLE = "time-unreadable";
  /** An SDP with no {@code c=} line anywhere. */
  public static final String NO_C_LINE = "no-c-line";
  /** An SDP line that could not be read and was left out (a line not {@code x=value}, a bad c= or rtpmap). */
  public static final String SDP_LINE_SKIPPED = "sdp-line-skipped";
  /** An {@code m=audio} line without {@code a=label}; the stream's position stands for it. */
  public static final String NO_LABEL = "no-label";
  /** A stream offered {@code inactive} at first. */
  public static final String STARTS_INACTIVE = "starts-inactive";
  /** A stream offered {@code recvonly} at first. */
  public static final String STARTS_RECVONLY = "starts-recvonly";
  /** A stream offered {@code sendrecv} at first (or with no direction, which means sendrecv). */
  public static final String STARTS_SENDRECV = "starts-sendrecv";

  private static final String CODEC_UNSUPPORTED = "codec-unsupported:";

  private Quirks() {}

  /** {@code codec-unsupported:<ENCODING>}: a payload format no decoder can decode, its payload kept raw. */
  public static String codecUnsupported(String encoding) {
    return CODEC_UNSUPPORTED + encoding.toUpperCase(Locale.ROOT);
  }

  /** {@code starts-<direction>} for a stream whose first direction is not sendonly, or null for sendonly. */
  public static String startsWith(String direction) {
    return switch (direction.toLowerCase(Locale.ROOT)) {
      case "inactive" -> STARTS_INACTIVE;
      case "recvonly" -> STARTS_RECVONLY;
      case "sendrecv" -> STARTS_SENDRECV;
      default -> null;
    };
  }
}
