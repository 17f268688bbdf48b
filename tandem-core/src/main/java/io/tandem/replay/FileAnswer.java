package io.tandem.replay;

import io.tandem.media.MediaChannel;
import io.tandem.media.MediaFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How a GET of a media file is answered under a single HTTP Range: 200 with the whole file when no range is
 * asked, 206 with exactly the asked bytes, or a {@link RangeNotSatisfiableException} (416) when the range
 * starts past the end. A sealed file is answered with its plain bytes, opened chunk by chunk as they are sent, so a
 * range costs what it covers. Holds no HTTP server's types: a server copies {@link #status()} and {@link #headers()}
 * to its answer and writes the body with {@link #writeTo}. Immutable.
 */
public final class FileAnswer {
  /** Opens the plain bytes answered: once to size the answer, again to send it. */
  @FunctionalInterface
  public interface Source {
    MediaChannel open() throws IOException;
  }

  private final Source source;
  private final String name;
  private final int status;
  private final long first;
  private final long last;
  private final Map<String, String> headers;

  private FileAnswer(Source source, String name, int status, long first, long last, Map<String, String> headers) {
    this.source = source;
    this.name = name;
    this.status = status;
    this.first = first;
    this.last = last;
    this.headers = Map.copyOf(headers);
  }

  /**
   * The answer to a request for the plain file {@code file} with the given {@code Range} header value (null when
   * absent).
   *
   * @throws RangeNotSatisfiableException when the range starts at or past the file's end
   * @throws IOException when the file's size cannot be read
   */
  public static FileAnswer of(Path file, String rangeHeader) throws IOException, RangeNotSatisfiableException {
    return of(MediaFiles.plain(), file, rangeHeader);
  }

  /**
   * The answer to a request for {@code file}, plain or sealed as {@code files} opens it.
   *
   * @throws io.tandem.media.sealed.SealedMediaException when it is sealed under a key {@code files} lacks
   */
  public static FileAnswer of(MediaFiles files, Path file, String rangeHeader)
      throws IOException, RangeNotSatisfiableException {
    return of(() -> files.open(file, false), file.toString(), rangeHeader);
  }

  /**
   * The answer to a request for the plain bytes of {@code channel}, open already, which the answer sizes and writes
   * from without closing it: the caller closes it after {@link #writeTo}. One open serves both, which saves a remote
   * archive the requests of a second.
   */
  public static FileAnswer ofOpen(MediaChannel channel, String name, String rangeHeader)
      throws IOException, RangeNotSatisfiableException {
    return of(() -> new Unclosed(channel), name, rangeHeader);
  }

  /** A channel whose close leaves the one it reads open. */
  private record Unclosed(MediaChannel channel) implements MediaChannel {
    @Override
    public int read(java.nio.ByteBuffer dst, long position) throws IOException {
      return channel.read(dst, position);
    }

    @Override
    public void write(java.nio.ByteBuffer src, long position) throws IOException {
      channel.write(src, position);
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public void truncate(long size) throws IOException {
      channel.truncate(size);
    }

    @Override
    public void force() throws IOException {
      channel.force();
    }

    @Override
    public void close() {
      // The caller closes the channel itself.
    }
  }

  /**
   * The answer to a request for the plain bytes {@code source} opens, named {@code name} in errors.
   *
   * @throws IOException as {@code source} throws it, before anything is answered
   */
  public static FileAnswer of(Source source, String name, String rangeHeader)
      throws IOException, RangeNotSatisfiableException {
    long length;
    try (MediaChannel channel = source.open()) {
      length = channel.size();
    }
    Optional<ByteRange> range = ByteRange.parse(rangeHeader, length);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept-Ranges", "bytes");
    if (range.isEmpty()) {
      headers.put("Content-Length", Long.toString(length));
      return new FileAnswer(source, name, 200, 0, length - 1, headers);
    }
    ByteRange r = range.get();
    headers.put("Content-Range", r.contentRange());
    headers.put("Content-Length", Long.toString(r.length()));
    return new FileAnswer(source, name, 206, r.first(), r.last(), headers);
  }

  public int status() {
    return status;
  }

  /** Accept-Ranges, Content-Length and, for a 206, Content-Range. */
  public Map<String, String> headers() {
    return headers;
  }

  /** Writes the answer's bytes of the file, exactly those; none for an empty file. */
  public void writeTo(OutputStream out) throws IOException {
    try (MediaChannel channel = source.open()) {
      FileSlice.copy(channel, name, first, last, out);
    }
  }
}
