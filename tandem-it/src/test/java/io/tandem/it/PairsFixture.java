package io.tandem.it;

import io.tandem.call.Position;
import io.tandem.database.CallDatabase;
import io.tandem.database.DatabaseConfig;
import io.tandem.manager.ManagerAssembly;
import io.tandem.manager.ManagerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Several real pairs under one Recorder Manager, against a call database the test runs (such as
 * {@link DebianPostgres}): pair {@code k} (from 1) is named {@code pair-k}, its Main has serial
 * {@code firstSerial + 2(k-1)} and its Backup the next; each recorder is an OS process of its own with
 * {@code rtpPorts} RTP ports of its own from {@code rtpBase} up. The Manager runs in the test's JVM.
 */
final class PairsFixture implements AutoCloseable {
  /** One pair of the fixture. */
  record Pair(String name, RecorderProcess main, RecorderProcess backup) {
    List<InetSocketAddress> sipAddresses() {
      return List.of(new InetSocketAddress("127.0.0.1", main.sipPort), new InetSocketAddress("127.0.0.1", backup.sipPort));
    }
  }

  final List<Pair> pairs = new ArrayList<>();
  final CallDatabase database;
  private ManagerAssembly manager;

  private PairsFixture(CallDatabase database) {
    this.database = database;
  }

  /** {@code recorderSettings} go to every recorder's config file, such as {@code gap.grace}. */
  static PairsFixture start(Path root, String jdbcUrl, int count, int firstSerial, int rtpBase, int rtpPorts,
      Map<String, String> recorderSettings) throws Exception {
    PairsFixture fixture = new PairsFixture(CallDatabase.connect(new DatabaseConfig(jdbcUrl, "postgres", "", 4)));
    try {
      fixture.database.migrate();
      TestAccess.provision(jdbcUrl);
      Path archive = Files.createDirectories(root.resolve("archive"));
      fixture.database.addRule("all calls", null, 0, archive, true);
      fixture.manager = new ManagerAssembly(managerConfig(jdbcUrl), fixture.database);
      fixture.manager.start();
      int nextRtp = rtpBase;
      for (int number = 1; number <= count; number++) {
        String name = "pair-" + number;
        int serial = firstSerial + 2 * (number - 1);
        RecorderProcess main = new RecorderProcess(serial, name, Position.MAIN, root.resolve(name).resolve("main"),
            jdbcUrl, nextRtp, rtpRange(recorderSettings, nextRtp, rtpPorts));
        nextRtp += rtpPorts;
        RecorderProcess backup = new RecorderProcess(serial + 1, name, Position.BACKUP,
            root.resolve(name).resolve("backup"), jdbcUrl, nextRtp, rtpRange(recorderSettings, nextRtp, rtpPorts));
        nextRtp += rtpPorts;
        fixture.pairs.add(new Pair(name, main, backup));
      }
      // All at once: six recorders starting one after the other would take most of a minute on two cores.
      List<Thread> starting = new ArrayList<>();
      List<Throwable> failed = java.util.Collections.synchronizedList(new ArrayList<>());
      for (RecorderProcess recorder : fixture.recorders()) {
        starting.add(Thread.ofPlatform().start(() -> {
          try {
            recorder.start();
          } catch (Exception | Error e) {
            failed.add(e);
          }
        }));
      }
      for (Thread thread : starting) {
        thread.join();
      }
      if (!failed.isEmpty()) {
        throw new IllegalStateException("a recorder did not start: " + failed.getFirst(), failed.getFirst());
      }
      return fixture;
    } catch (Exception | Error e) {
      try {
        fixture.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static Map<String, String> rtpRange(Map<String, String> settings, int first, int ports) {
    Map<String, String> withRange = new HashMap<>(settings);
    withRange.put("rtp.portMin", Integer.toString(first));
    withRange.put("rtp.portMax", Integer.toString(first + ports - 1));
    return withRange;
  }

  private static ManagerConfig managerConfig(String databaseUrl) {
    java.util.Properties properties = new java.util.Properties();
    properties.setProperty("manager.port", "0");
    properties.setProperty("database.url", databaseUrl);
    properties.setProperty("database.user", "postgres");
    properties.setProperty("health.interval", "500ms");
    properties.setProperty("health.misses", "3");
    properties.setProperty("manager.secret", TestAccess.MANAGER_SECRET);
    return ManagerConfig.from(io.tandem.config.ConfigFile.of(properties));
  }

  /** Every recorder of every pair, Main before Backup, in the pairs' order. */
  List<RecorderProcess> recorders() {
    List<RecorderProcess> all = new ArrayList<>();
    for (Pair pair : pairs) {
      all.add(pair.main());
      all.add(pair.backup());
    }
    return all;
  }

  /** The SIP addresses of each pair's recorders, a list per pair, as a simulation plan takes them. */
  List<List<InetSocketAddress>> sipAddresses() {
    return pairs.stream().map(Pair::sipAddresses).toList();
  }

  String managerUrl() {
    return "http://127.0.0.1:" + manager.port();
  }

  @Override
  public void close() throws Exception {
    // The Manager first: recorders stopped on purpose are no failures to act on.
    if (manager != null) {
      manager.stop();
    }
    for (RecorderProcess recorder : recorders()) {
      recorder.close();
    }
    database.close();
  }
}
