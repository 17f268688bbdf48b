package io.tandem.capture.siprec;

import io.tandem.capture.sip.SipMessage;

/** Builds a response to a request: Via, From, To, Call-ID and CSeq echoed, a To tag added on demand. */
final class Responses {
  private final SipMessage request;
  private final SipMessage.Builder builder;
  private String toTag;

  private Responses(SipMessage request, int status, String reason) {
    this.request = request;
    this.builder = SipMessage.response(status, reason);
  }

  static Responses to(SipMessage request, int status, String reason) {
    return new Responses(request, status, reason);
  }

  Responses toTag(String tag) {
    this.toTag = tag;
    return this;
  }

  Responses header(String name, String value) {
    builder.header(name, value);
    return this;
  }

  Responses body(String contentType, byte[] body) {
    builder.body(contentType, body);
    return this;
  }

  SipMessage build() {
    SipMessage.Builder full = SipMessage.response(0, "");
    return builder.build();
  }
}
