package io.tandem.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/** CPU time of live threads, by thread id or by name prefix, in nanoseconds. Thread-safe. */
final class ThreadCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private ThreadCpu() {}

  static void requireSupport() {
    if (!THREADS.isThreadCpuTimeSupported()) {
      throw new IllegalStateException("this JVM cannot measure per-thread CPU time");
    }
    THREADS.setThreadCpuTimeEnabled(true);
  }

  static long ofThread(long threadId) {
    return Math.max(0, THREADS.getThreadCpuTime(threadId));
  }

  /** The summed CPU time of every live thread whose name starts with {@code prefix}. */
  static long ofThreadsNamed(String prefix) {
    long total = 0;
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith(prefix)) {
        total += ofThread(info.getThreadId());
      }
    }
    return total;
  }
}
