package io.tandem.cli;

import io.tandem.config.ConfigFile;
import io.tandem.database.CallDatabase;
import io.tandem.manager.FirstAdmin;
import io.tandem.manager.ManagerConfig;
import io.tandem.manager.ManagerAssembly;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tandem manager --config FILE}: the Recorder Manager against an external PostgreSQL. */
@Command(name = "manager", mixinStandardHelpOptions = true,
    description = {"Runs the Recorder Manager: HTTP API, replay, metrics, health of every recorder.",
        "The config file holds key = value lines: manager.port, database.url, and optional manager.host,",
        "database.user, database.password, database.poolSize (8), database.statementTimeout (5m; 0s: no limit),",
        "health.interval, health.misses, health.startupGrace, and the notification keys",
        "notify.heartbeat, notify.retryMax, notify.webhook.NAME.url|secret,",
        "notify.syslog.NAME.host|port|transport|facility, HTTPS with manager.tls.certificate and manager.tls.key",
        "(or manager.tls.keystore and manager.tls.keystorePassword), recorders.tls.trust, media.keyFile,",
        "archive.mount.NAME.target|seenAt (an archive folder this host sees under another path), and",
        "manager.secret (required: the secret the recorders' config files share with it).",
        "The call database schema is migrated at start; when it has no user yet, user 'admin' and an admin API",
        "token are made and printed once."})
final class ManagerCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, paramLabel = "FILE", description = "the manager's config file")
  Path config;

  @Override
  public Integer call() throws Exception {
    ManagerConfig settings = ManagerConfig.from(ConfigFile.load(config));
    CallDatabase database = CallDatabase.connect(settings.databaseConfig());
    database.migrate();
    FirstAdmin.ensure(database, "tandem manager").ifPresent(admin -> System.out.println(admin.lines()));
    ManagerAssembly manager = new ManagerAssembly(settings, database);
    manager.start();
    System.out.println("Recorder Manager on http://" + settings.bindHost() + ":" + manager.port() + "/");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      manager.stop();
      database.close();
      stopped.countDown();
    }, "manager-shutdown"));
    stopped.await();
    return 0;
  }
}
