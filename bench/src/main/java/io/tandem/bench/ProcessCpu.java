package io.tandem.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of this JVM and of other processes by name, so that a benchmark can say which side of a pipeline
 * the cores went to. Other processes are read from Linux's {@code /proc}; elsewhere they count as 0. The
 * kernel counts in clock ticks of 10 ms.
 */
final class ProcessCpu {
  private static final double SECONDS_PER_TICK = 0.01;

  private ProcessCpu() {}

  /** CPU seconds this JVM has used, user and system. */
  static double ofThisJvm() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime() / 1e9;
    }
    return 0;
  }

  /** CPU seconds used by the child processes of this JVM that have ended and been waited for, user and system. */
  static double ofEndedChildren() {
    try {
      String line = Files.readString(Path.of("/proc/self/stat"));
      // After the name: fields 16 and 17 of the whole line, cutime and cstime.
      String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * SECONDS_PER_TICK;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** CPU seconds used so far by the live processes whose command name is {@code name}, user and system. */
  static double ofProcessesNamed(String name) {
    long ticks = 0;
    try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path process : processes) {
        ticks += ticksIfNamed(process.resolve("stat"), name);
      }
    } catch (IOException e) {
      return 0;
    }
    return ticks * SECONDS_PER_TICK;
  }

  private static long ticksIfNamed(Path stat, String name) {
    String line;
    try {
      line = Files.readString(stat);
    } catch (IOException e) {
      return 0; // the process ended meanwhile
    }
    int open = line.indexOf('(');
    int close = line.lastIndexOf(')');
    if (open < 0 || close < open || !line.substring(open + 1, close).equals(name)) {
      return 0;
    }
    // After the name: state, then 10 fields, then utime and stime (fields 14 and 15 of the whole line).
    String[] fields = line.substring(close + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }
}
