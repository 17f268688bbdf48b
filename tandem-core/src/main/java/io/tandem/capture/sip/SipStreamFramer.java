package io.tandem.capture.sip;

import java.util.Arrays;

/**
 * Cuts SIP messages out of a byte stream (TCP) by their Content-Length, skipping CRLF keep-alives
 * between messages. A message larger than {@link SipParser#MAX_MESSAGE_BYTES} or without a
 * Content-Length is refused; after a refusal the stream cannot be resynchronised and should be closed.
 * Not thread-safe: one framer per connection, fed and drained by one thread.
 */
public final class SipStreamFramer {
  private byte[] buffer = new byte[4096];
  private int start;
  private int end;

  public void feed(byte[] bytes, int offset, int length) {
    if (offset < 0 || length < 0 || offset > bytes.length - length) {
      throw new IndexOutOfBoundsException("range " + offset + "+" + length + " outside " + bytes.length + " bytes");
    }
    ensureRoom(length);
    System.arraycopy(bytes, offset, buffer, end, length);
    end += length;
  }

  /** The next complete message, or null until one is fully buffered. */
  public SipMessage next() throws SipParseException {
    skipKeepAlives();
    if (start == end) {
      return null;
    }
    int headEnd = SipParser.headerEnd(buffer, start, end - start);
    if (headEnd < 0) {
      if (end - start > SipParser.MAX_MESSAGE_BYTES) {
        throw new SipParseException("expected a message of at most " + SipParser.MAX_MESSAGE_BYTES + " bytes");
      }
      return null;
    }
    SipParser.Head head = SipParser.parseHead(buffer, start, headEnd - start);
    if (head.contentLength() < 0) {
      throw new SipParseException("expected a Content-Length header on a stream transport");
    }
    int total = headEnd - start + head.contentLength();
    if (total > SipParser.MAX_MESSAGE_BYTES) {
      throw new SipParseException("expected a message of at most " + SipParser.MAX_MESSAGE_BYTES + " bytes, got "
          + total);
    }
    if (end - start < total) {
      return null;
    }
    SipMessage message = SipParser.parse(buffer, start, total);
    start += total;
    return message;
  }

  /** Bytes received but not yet returned as a message. */
  public int buffered() {
    return end - start;
  }

  private void skipKeepAlives() {
    while (start < end && (buffer[start] == '\r' || buffer[start] == '\n')) {
      start++;
    }
    if (start == end) {
      start = 0;
      end = 0;
    }
  }

  private void ensureRoom(int more) {
    if (end + more <= buffer.length) {
      return;
    }
    int live = end - start;
    if (live + more <= buffer.length) {
      System.arraycopy(buffer, start, buffer, 0, live);
    } else {
      byte[] bigger = new byte[Math.max(buffer.length * 2, live + more)];
      System.arraycopy(buffer, start, bigger, 0, live);
      buffer = bigger;
    }
    start = 0;
    end = live;
  }
}
