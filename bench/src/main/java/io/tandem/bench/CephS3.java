package io.tandem.bench;

import io.tandem.archive.S3Target;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3 service that enforces object lock, as sites run one: Ceph's RADOS Gateway of the machine's own Debian packages
 * ({@code ceph-mon}, {@code ceph-osd}, {@code radosgw}), over a cluster of one monitor and one OSD that keeps its
 * objects in memory (as used, up to 8 GiB), each a process of its own, in a folder under the system's temporary
 * folder, on loopback ports the caller gives. The gateway keeps object lock as AWS does: a locked object version
 * refuses to be deleted before its date, a legal hold until it is lifted. Started in about 15 s. {@link #close} stops
 * the three processes and removes the folder. Used by the archive's object lock tests and by
 * {@code bench/run s3 --ceph}. Not thread-safe.
 */
public final class CephS3 implements AutoCloseable {
  public static final String ACCESS_KEY = "tandem-lock-test";
  public static final String SECRET = "tandem-lock-test-secret-0123456789";
  /** The programs it runs, with the Debian package of each. */
  public static final Map<String, String> PROGRAMS = Map.of("ceph-mon", "ceph-mon", "ceph-osd", "ceph-osd",
      "radosgw", "radosgw", "radosgw-admin", "ceph-common", "monmaptool", "ceph-base", "ceph", "ceph-common");
  /** Where the programs are. */
  public static final Path BIN = Path.of("/usr/bin");
  private static final long START_WITHIN_SECONDS = 90;

  private final Path folder;
  private final Path config;
  private final int monitorPort;
  private final int gatewayPort;
  private final Https https;
  private final List<Process> daemons = new ArrayList<>();

  /**
   * The gateway's https endpoint besides its http one: on {@code port}, showing {@code certificate} (PEM) with its
   * {@code key} (PEM).
   */
  public record Https(int port, Path certificate, Path key) {}

  private CephS3(Path folder, int monitorPort, int gatewayPort, Https https) {
    this.folder = folder;
    this.config = folder.resolve("ceph.conf");
    this.monitorPort = monitorPort;
    this.gatewayPort = gatewayPort;
    this.https = https;
  }

  /**
   * Starts the cluster and the gateway and makes the user {@link #ACCESS_KEY}, returning once the gateway answers:
   * the monitor on {@code monitorPort}, the gateway on {@code gatewayPort}, the OSD on ports of the 16 from
   * {@code osdPorts}, all free loopback ports; and on https as {@code https} says, unless it is null.
   *
   * @throws IllegalStateException naming the program, when one of {@link #PROGRAMS} is missing or a step fails
   */
  public static CephS3 start(int monitorPort, int gatewayPort, int osdPorts, Https https) throws IOException,
      InterruptedException {
    for (Map.Entry<String, String> program : PROGRAMS.entrySet()) {
      if (!Files.isExecutable(BIN.resolve(program.getKey()))) {
        throw new IllegalStateException(BIN.resolve(program.getKey()) + " is not installed (Debian package "
            + program.getValue() + ")");
      }
    }
    Path folder = Files.createTempDirectory("tandem-ceph-");
    CephS3 ceph = new CephS3(folder, monitorPort, gatewayPort, https);
    try {
      ceph.configure(osdPorts);
      ceph.startMonitor();
      ceph.startOsd();
      ceph.startGateway();
      ceph.run("radosgw-admin", "user", "create", "--uid", "tandem", "--display-name", "Tandem tests",
          "--access-key", ACCESS_KEY, "--secret-key", SECRET);
      return ceph;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      ceph.close();
      throw e;
    }
  }

  /** As {@link #start(int, int, int, Https)}, on http only, on loopback ports it finds free itself. */
  public static CephS3 start() throws IOException, InterruptedException {
    return start(freePort(), freePort(), freePorts(16), null);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** The first of {@code count} consecutive free ports, from 40000 up. */
  private static int freePorts(int count) throws IOException {
    for (int first = 40_000 + ThreadLocalRandom.current().nextInt(1000) * count; first < 65_000; first += count) {
      List<ServerSocket> held = new ArrayList<>();
      try {
        for (int port = first; port < first + count; port++) {
          held.add(new ServerSocket(port, 1, InetAddress.getLoopbackAddress()));
        }
        return first;
      } catch (IOException e) {
        // One of them is taken: the next block.
      } finally {
        for (ServerSocket socket : held) {
          socket.close();
        }
      }
    }
    throw new IOException("no " + count + " consecutive free ports from 40000");
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + gatewayPort);
  }

  /** The https endpoint, when it was started with one. */
  public URI httpsEndpoint() {
    if (https == null) {
      throw new IllegalStateException("this gateway was started without https");
    }
    return URI.create("https://127.0.0.1:" + https.port());
  }

  /** A target named {@code name} on the gateway's {@code bucket}, path-style. */
  public S3Target target(String name, String bucket) {
    return new S3Target(name, endpoint(), "us-east-1", bucket, true, ACCESS_KEY, SECRET);
  }

  /** A plain client of the gateway as the test's user, for what the archive itself never does. Close it after use. */
  public S3Client client() {
    return S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).endpointOverride(endpoint())
        .forcePathStyle(true).region(Region.US_EAST_1)
        // The SDK's own checksum, sent as a trailer of a chunked body, is refused by this gateway (16.2) with a 400.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET)))
        .build();
  }

  /**
   * No authentication inside the cluster (loopback only, for the test's length); OSD ports from the test's own block;
   * one copy of each object; warnings about the machine's free disk silenced, since the OSD keeps nothing on disk.
   */
  private void configure(int portBlock) throws IOException {
    String text = String.join("\n",
        "[global]",
        "fsid = " + UUID.randomUUID(),
        "mon_host = v2:127.0.0.1:" + monitorPort,
        "auth_cluster_required = none",
        "auth_service_required = none",
        "auth_client_required = none",
        // Without authentication there is no session key for the secure mode a monitor's clients ask for first.
        "ms_mon_client_mode = crc",
        "ms_mon_cluster_mode = crc",
        "ms_mon_service_mode = crc",
        "ms_client_mode = crc",
        "ms_cluster_mode = crc",
        "ms_service_mode = crc",
        "ms_bind_ipv6 = false",
        "ms_bind_port_min = " + portBlock,
        "ms_bind_port_max = " + (portBlock + 15),
        "public_addr = 127.0.0.1",
        "run_dir = " + folder.resolve("run"),
        "admin_socket = " + folder.resolve("run") + "/$name.asok",
        "log_file = " + folder.resolve("log") + "/$name.log",
        "mon_data = " + folder.resolve("mon"),
        "mon_data_avail_warn = 1",
        "mon_data_avail_crit = 1",
        "mon_allow_pool_size_one = true",
        "mon_warn_on_pool_no_redundancy = false",
        "osd_data = " + folder.resolve("osd"),
        "osd_objectstore = memstore",
        "memstore_device_bytes = 8589934592",
        "osd_pool_default_size = 1",
        "osd_pool_default_min_size = 1",
        "osd_pool_default_pg_num = 8",
        "osd_pool_default_pgp_num = 8",
        "osd_pool_default_pg_autoscale_mode = off",
        "osd_crush_chooseleaf_type = 0",
        "rgw_frontends = beast endpoint=127.0.0.1:" + gatewayPort + (https == null ? ""
            : " ssl_endpoint=127.0.0.1:" + https.port() + " ssl_certificate=" + https.certificate()
            + " ssl_private_key=" + https.key()),
        "");
    for (String dir : List.of("run", "log", "mon", "osd")) {
      Files.createDirectories(folder.resolve(dir));
    }
    Files.writeString(config, text);
  }

  private void startMonitor() throws IOException, InterruptedException {
    Path monmap = folder.resolve("monmap");
    run("monmaptool", "--create", "--addv", "a", "[v2:127.0.0.1:" + monitorPort + "]", "--fsid", fsid(),
        monmap.toString());
    run("ceph-mon", "--mkfs", "-i", "a", "--monmap", monmap.toString());
    daemon("ceph-mon", "-f", "-i", "a");
    awaitCommand("the monitor", "ceph", "--connect-timeout", "5", "mon", "stat");
  }

  private void startOsd() throws IOException, InterruptedException {
    String id = run("ceph", "osd", "create").strip();
    if (!id.equals("0")) {
      throw new IllegalStateException("the new cluster's first OSD has id " + id + ", not 0");
    }
    run("ceph-osd", "--mkfs", "-i", "0");
    daemon("ceph-osd", "-f", "-i", "0");
    long deadline = deadline();
    while (!run("ceph", "osd", "stat").contains("1 up")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the OSD was not up within " + START_WITHIN_SECONDS + " s: "
            + logOf("osd.0"));
      }
      Thread.sleep(200);
    }
  }

  /** The gateway makes its pools at start; it answers once they are there. */
  private void startGateway() throws IOException, InterruptedException {
    Process gateway = daemon("radosgw", "-f", "-n", "client.rgw");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = deadline();
    while (true) {
      if (!gateway.isAlive()) {
        throw new IllegalStateException("radosgw exited with " + gateway.exitValue() + ": " + logOf("client.rgw"));
      }
      try {
        http.send(HttpRequest.newBuilder(endpoint()).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        return;
      } catch (ConnectException | java.net.http.HttpTimeoutException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("radosgw did not answer within " + START_WITHIN_SECONDS + " s: "
              + logOf("client.rgw"), e);
        }
        Thread.sleep(200);
      }
    }
  }

  private String fsid() throws IOException {
    for (String line : Files.readAllLines(config)) {
      if (line.startsWith("fsid = ")) {
        return line.substring("fsid = ".length());
      }
    }
    throw new IllegalStateException("no fsid in " + config);
  }

  /** Starts a daemon in the foreground of a process of its own, its output in the folder's log. */
  private Process daemon(String program, String... arguments) throws IOException {
    Path out = folder.resolve("log").resolve(program + ".out");
    Process process = new ProcessBuilder(command(program, arguments)).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    daemons.add(process);
    return process;
  }

  /** Runs a tool to its end and returns its output; fails with that output when it exits with an error. */
  private String run(String program, String... arguments) throws IOException, InterruptedException {
    Path out = Files.createTempFile(folder, program, ".out");
    Process process = new ProcessBuilder(command(program, arguments)).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    if (!process.waitFor(START_WITHIN_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new IllegalStateException(program + " " + String.join(" ", arguments) + " did not finish within "
          + START_WITHIN_SECONDS + " s: " + Files.readString(out));
    }
    String output = Files.readString(out);
    if (process.exitValue() != 0) {
      throw new IllegalStateException(program + " " + String.join(" ", arguments) + " exited with "
          + process.exitValue() + ": " + output);
    }
    return output;
  }

  /** Runs a tool until it succeeds, for a daemon that is starting. */
  private void awaitCommand(String what, String program, String... arguments)
      throws IOException, InterruptedException {
    long deadline = deadline();
    while (true) {
      try {
        run(program, arguments);
        return;
      } catch (IllegalStateException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(what + " did not answer within " + START_WITHIN_SECONDS + " s", e);
        }
        Thread.sleep(200);
      }
    }
  }

  private List<String> command(String program, String... arguments) {
    List<String> command = new ArrayList<>(List.of(BIN.resolve(program).toString(), "-c", config.toString()));
    command.addAll(List.of(arguments));
    return command;
  }

  private static long deadline() {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(START_WITHIN_SECONDS);
  }

  private String logOf(String name) {
    try {
      Path log = folder.resolve("log").resolve(name + ".log");
      List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(its log cannot be read: " + e + ")";
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    // The gateway first, the monitor last: each stops on SIGTERM; SIGKILL after a timeout.
    for (int i = daemons.size() - 1; i >= 0; i--) {
      Process daemon = daemons.get(i);
      daemon.destroy();
      if (!daemon.waitFor(15, TimeUnit.SECONDS)) {
        daemon.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
