package io.tandem.capture.rtp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * {@link BatchReceiver} by Linux {@code recvmmsg(2)} through the foreign-function API, for Linux on x86_64 and
 * aarch64 (the LP64 layouts of {@code struct mmsghdr}, {@code iovec} and {@code sockaddr_in}/{@code sockaddr_in6}
 * below). Loaded by name, only on a JDK of 22 or newer. Confined to one thread; its native memory is freed by
 * {@link #close}.
 */
final class RecvmmsgReceiver implements BatchReceiver {
  // struct mmsghdr: struct msghdr (56 bytes) then unsigned int msg_len, padded to 64.
  private static final long MMSGHDR = 64;
  private static final long MSG_NAME = 0;
  private static final long MSG_NAMELEN = 8;
  private static final long MSG_IOV = 16;
  private static final long MSG_IOVLEN = 24;
  private static final long MSG_FLAGS = 48;
  private static final long MSG_LEN = 56;
  private static final long IOVEC = 16;
  /** sizeof(struct sockaddr_storage): room for any source. */
  private static final int SOCKADDR = 128;
  private static final int AF_INET = 2;
  private static final int AF_INET6 = 10;
  private static final int MSG_DONTWAIT = 0x40;
  private static final int MSG_TRUNC = 0x20;
  private static final int EINTR = 4;
  private static final int EAGAIN = 11;
  private static final ValueLayout.OfShort PORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfInt IPV4 = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfLong IPV6_HALF = JAVA_LONG.withOrder(ByteOrder.BIG_ENDIAN).withByteAlignment(4);
  private static final long ERRNO = Linker.Option.captureStateLayout().byteOffset(PathElement.groupElement("errno"));
  /**
   * int recvmmsg(int fd, struct mmsghdr *msgvec, unsigned int vlen, int flags, struct timespec *timeout). Critical:
   * with MSG_DONTWAIT the call never blocks, so it skips the thread's switch out of Java, which costs about as much
   * as a short system call.
   */
  private static final MethodHandle RECVMMSG = Linker.nativeLinker().downcallHandle(
      Linker.nativeLinker().defaultLookup().find("recvmmsg").orElseThrow(),
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS),
      Linker.Option.captureCallState("errno"), Linker.Option.critical(false));

  private final int capacity;
  private final int datagramSize;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment messages;
  private final MemorySegment names;
  private final MemorySegment buffers;
  private final MemorySegment callState;

  /**
   * @param capacity the most datagrams one receive takes
   * @param datagramSize the buffer of each; a longer datagram is cut to it
   */
  RecvmmsgReceiver(int capacity, int datagramSize) {
    if (capacity < 1 || datagramSize < 1) {
      throw new IllegalArgumentException("capacity and datagramSize must be positive, got " + capacity + " and "
          + datagramSize);
    }
    this.capacity = capacity;
    this.datagramSize = datagramSize;
    messages = arena.allocate(MMSGHDR * capacity, 8);
    names = arena.allocate((long) SOCKADDR * capacity, 8);
    buffers = arena.allocate((long) datagramSize * capacity, 8);
    MemorySegment vectors = arena.allocate(IOVEC * capacity, 8);
    callState = arena.allocate(Linker.Option.captureStateLayout());
    for (int i = 0; i < capacity; i++) {
      vectors.set(ADDRESS, IOVEC * i, buffers.asSlice((long) datagramSize * i, datagramSize));
      vectors.set(JAVA_LONG, IOVEC * i + 8, datagramSize);
      long message = MMSGHDR * i;
      messages.set(ADDRESS, message + MSG_NAME, names.asSlice((long) SOCKADDR * i, SOCKADDR));
      messages.set(ADDRESS, message + MSG_IOV, vectors.asSlice(IOVEC * i, IOVEC));
      messages.set(JAVA_LONG, message + MSG_IOVLEN, 1);
    }
  }

  @Override
  public int capacity() {
    return capacity;
  }

  @Override
  public int receive(int descriptor, int max) throws IOException {
    int asked = Math.min(max, capacity);
    for (int i = 0; i < asked; i++) {
      // Each call writes the length of the source it found: give every slot the whole room again.
      messages.set(JAVA_INT, MMSGHDR * i + MSG_NAMELEN, SOCKADDR);
    }
    while (true) {
      int taken = recvmmsg(descriptor, asked);
      if (taken >= 0) {
        return taken;
      }
      int errno = callState.get(JAVA_INT, ERRNO);
      if (errno == EAGAIN) {
        return 0;
      }
      if (errno != EINTR) {
        throw new IOException("recvmmsg on descriptor " + descriptor + " failed with errno " + errno);
      }
    }
  }

  private int recvmmsg(int descriptor, int asked) {
    try {
      return (int) RECVMMSG.invokeExact(callState, descriptor, messages, asked, MSG_DONTWAIT, MemorySegment.NULL);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public int copy(int index, byte[] into) {
    int length = Math.min(messages.get(JAVA_INT, MMSGHDR * index + MSG_LEN), into.length);
    MemorySegment.copy(buffers, JAVA_BYTE, (long) datagramSize * index, into, 0, length);
    return length;
  }

  @Override
  public boolean truncated(int index) {
    return (messages.get(JAVA_INT, MMSGHDR * index + MSG_FLAGS) & MSG_TRUNC) != 0;
  }

  @Override
  public SocketAddress source(int index, LastSender last) {
    long name = (long) SOCKADDR * index;
    int family = names.get(JAVA_SHORT, name);
    int port = Short.toUnsignedInt(names.get(PORT, name + 2));
    if (family == AF_INET) {
      long address = Integer.toUnsignedLong(names.get(IPV4, name + 4));
      return last.is(family, port, address, 0, 0) ? last.address
          : last.remember(family, port, address, 0, 0, new InetSocketAddress(ipv4(address), port));
    }
    if (family == AF_INET6) {
      long high = names.get(IPV6_HALF, name + 8);
      long low = names.get(IPV6_HALF, name + 16);
      int scope = names.get(JAVA_INT, name + 24);
      return last.is(family, port, high, low, scope) ? last.address
          : last.remember(family, port, high, low, scope, new InetSocketAddress(ipv6(high, low, scope), port));
    }
    return null;
  }

  private static InetAddress ipv4(long address) {
    byte[] bytes = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An IPv4-mapped address becomes the IPv4 address, as the JDK's channel gives it. */
  private static InetAddress ipv6(long high, long low, int scope) {
    byte[] bytes = new byte[16];
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (high >>> (56 - 8 * i));
      bytes[8 + i] = (byte) (low >>> (56 - 8 * i));
    }
    try {
      InetAddress address = InetAddress.getByAddress(bytes);
      return scope != 0 && address instanceof Inet6Address ? Inet6Address.getByAddress(null, bytes, scope) : address;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    arena.close();
  }
}
