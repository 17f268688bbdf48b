package io.tandem.capture.rtp;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.channels.DatagramChannel;

/**
 * The file descriptor behind a JDK {@link DatagramChannel}, read through the JDK's own accessor, which the launch
 * options export to this code ({@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}). The channel keeps binding,
 * socket options, the selector's readiness and closing; only the batch reads go around it. (A socket opened
 * through the foreign-function API instead would need a readiness mechanism of its own beside the selector,
 * which watches the JDK's channels only.) Thread-safe.
 */
final class SocketDescriptor {
  /** The accessor, or null when the JDK does not let this code reach it; {@link #UNREACHABLE} says why. */
  private static final MethodHandle FD_VAL;
  static final String UNREACHABLE;

  static {
    MethodHandle handle = null;
    String why = null;
    try {
      handle = MethodHandles.lookup().unreflect(Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal"));
    } catch (ReflectiveOperationException | RuntimeException e) {
      why = "the JDK's socket descriptors are not exported to the recorder (--add-exports "
          + "java.base/sun.nio.ch=ALL-UNNAMED): " + e;
    }
    FD_VAL = handle;
    UNREACHABLE = why;
  }

  private SocketDescriptor() {
  }

  static boolean reachable() {
    return FD_VAL != null;
  }

  /** The descriptor of an open channel. */
  static int of(DatagramChannel channel) {
    if (FD_VAL == null) {
      throw new IllegalStateException(UNREACHABLE);
    }
    try {
      return (int) FD_VAL.invoke(channel);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("cannot read the descriptor of " + channel, e);
    }
  }
}
