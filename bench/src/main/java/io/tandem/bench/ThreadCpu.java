package io.tandem.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/** CPU time and heap allocation of live threads, by thread id or by name prefix. Thread-safe. */
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

  /** The summed CPU time of every live thread whose name starts with {@code prefix}, in nanoseconds. */
  static long ofThreadsNamed(String prefix) {
    long total = 0;
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith(prefix)) {
        total += ofThread(info.getThreadId());
      }
    }
    return total;
  }

  /** The bytes of heap allocated so far by every live thread whose name starts with {@code prefix}; -1 if unknown. */
  static long allocatedByThreadsNamed(String prefix) {
    if (!(THREADS instanceof com.sun.management.ThreadMXBean counting) || !counting.isThreadAllocatedMemorySupported()) {
      return -1;
    }
    long total = 0;
    for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith(prefix)) {
        total += Math.max(0, counting.getThreadAllocatedBytes(info.getThreadId()));
      }
    }
    return total;
  }
}
