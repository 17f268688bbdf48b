package io.tandem.cli;

import io.tandem.audit.AuditVerdict;
import io.tandem.config.ConfigFile;
import io.tandem.database.CallDatabase;
import io.tandem.database.DatabaseConfig;
import io.tandem.manager.ManagerConfig;
import io.tandem.stack.StackLayout;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tandem audit verify}: walks the audit chain of a call database and reports its first broken link. */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Verifies the hash-chained audit of the call database.",
        "verify walks it row by row and prints 'intact, N rows' (exit 0) or the first broken link: the row's id",
        "and what is wrong (exit 1).",
        "The database is the one of a Manager's config file (--config) or of a running 'tandem up' (--data)."})
final class AuditCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "verify", description = "what to do: verify")
  String action;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  /** Where the call database is. */
  static final class Source {
    @Option(names = "--config", paramLabel = "FILE", description = "a Recorder Manager's config file")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", description = "the data directory of a running 'tandem up'")
    Path data;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT",
        description = "with --data: the port 'tandem up' was started with (default ${DEFAULT-VALUE})")
    int port;
  }

  @Override
  public Integer call() throws Exception {
    if (!"verify".equals(action)) {
      System.err.println("tandem audit: expected 'verify', got '" + action + "'");
      return 2;
    }
    try (CallDatabase database = CallDatabase.connect(databaseConfig())) {
      AuditVerdict verdict = database.verifyAudit();
      System.out.println(verdict.line());
      return verdict.intact() ? 0 : 1;
    }
  }

  private DatabaseConfig databaseConfig() {
    if (source.config != null) {
      return ManagerConfig.from(ConfigFile.load(source.config)).databaseConfig();
    }
    StackLayout layout = new StackLayout(source.data, source.port, false);
    return layout.databaseConfig(1);
  }
}
