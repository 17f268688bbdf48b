package io.tandem.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hosts of one test, each a network namespace of its own with an address on one private /24, joined by a bridge in
 * a namespace of its own (the switch); the test's own process (the observer) joins the same /24 through one veth
 * in the machine's namespace and adds nothing else there. A partition is made and healed in the switch: nftables
 * rules that drop what passes between two sets of hosts, both ways, so that each side sees only silence.
 *
 * <p>Every name carries this JVM's process id: {@link #create} first removes what a run whose JVM is gone left
 * behind (its processes killed by id, its namespaces and observer link deleted), and {@link #close} removes what
 * this one made. Needs root and the programs {@code ip} and {@code nft}. Not thread-safe.
 */
final class NamespaceNetwork implements AutoCloseable {
  private static final String PREFIX = "tandem-nx-";
  private static final String LINK_PREFIX = "tnx";
  private static final Pattern OURS = Pattern.compile(PREFIX + "([0-9a-z]+)-.*");
  private static final Pattern OUR_LINK = Pattern.compile("\\d+: (" + LINK_PREFIX + "([0-9a-z]+)o)[@:].*");

  private final String run = Long.toString(ProcessHandle.current().pid(), 36);
  private final String subnet;
  private final Map<String, String> addresses = new LinkedHashMap<>();
  private final List<String> namespaces = new ArrayList<>();
  private final java.util.Set<String> cut = new java.util.LinkedHashSet<>();

  private NamespaceNetwork(String subnetPrefix) {
    this.subnet = subnetPrefix;
  }

  /**
   * Makes one namespace for each of {@code hosts} (names of a few letters) on a /24 of 10.0.0.0/8 that no route of
   * this machine touches; fails the test with one line when not root or when {@code ip} or {@code nft} is missing.
   */
  static NamespaceNetwork create(List<String> hosts) throws IOException, InterruptedException {
    RealPeers.requireRoot("netns", "making network namespaces, links and nftables rules");
    RealPeers.requireOnPath("netns", "ip", "iproute2");
    RealPeers.requireOnPath("netns", "nft", "nftables");
    sweepStale();
    NamespaceNetwork network = new NamespaceNetwork(unusedSubnet());
    try {
      network.build(hosts);
      return network;
    } catch (IOException | InterruptedException | RuntimeException e) {
      network.close();
      throw e;
    }
  }

  /** The host's address, such as {@code 10.201.7.3}. */
  String address(String host) {
    String address = addresses.get(host);
    if (address == null) {
      throw new IllegalArgumentException("no host '" + host + "' in " + addresses.keySet());
    }
    return address;
  }

  /** The /24 every host is on, such as {@code 10.201.7.0/24}. */
  String network() {
    return subnet + ".0/24";
  }

  /** The command prefix that runs a program in the host's namespace: ip execs it, so its process id is the program's. */
  List<String> launcher(String host) {
    address(host);
    return List.of("ip", "netns", "exec", namespace(host));
  }

  /** Drops everything between {@code host} and each of {@code peers} in the switch, both ways, until {@link #heal}. */
  void cut(String host, List<String> peers) throws IOException, InterruptedException {
    String others = String.join(", ", peers.stream().map(this::address).toList());
    String rules = "table bridge " + cutTable(host) + " {\n"
        + "  chain forward {\n"
        + "    type filter hook forward priority 0; policy accept;\n"
        + "    ip saddr " + address(host) + " ip daddr { " + others + " } drop\n"
        + "    ip daddr " + address(host) + " ip saddr { " + others + " } drop\n"
        + "  }\n"
        + "}\n";
    runWithInput(rules, "ip", "netns", "exec", switchNamespace(), "nft", "-f", "-");
    cut.add(host);
  }

  /** Removes the cut around {@code host}: what passes between it and the others flows again. */
  void heal(String host) throws IOException, InterruptedException {
    run("ip", "netns", "exec", switchNamespace(), "nft", "delete", "table", "bridge", cutTable(host));
    cut.remove(host);
  }

  /** Heals every cut still made. */
  void healAll() throws IOException, InterruptedException {
    for (String host : List.copyOf(cut)) {
      heal(host);
    }
  }

  private String cutTable(String host) {
    return "tandem_cut_" + run + "_" + host;
  }

  private void build(List<String> hosts) throws IOException, InterruptedException {
    String sw = switchNamespace();
    addNamespace(sw);
    run("ip", "-n", sw, "link", "add", "br0", "type", "bridge");
    run("ip", "-n", sw, "link", "set", "br0", "up");
    String observer = LINK_PREFIX + run + "o";
    run("ip", "link", "add", observer, "type", "veth", "peer", "name", "observer", "netns", sw);
    plug(sw, "observer");
    run("ip", "addr", "add", subnet + ".1/24", "dev", observer);
    run("ip", "link", "set", observer, "up");
    for (int i = 0; i < hosts.size(); i++) {
      String host = hosts.get(i);
      String ns = namespace(host);
      addNamespace(ns);
      String address = subnet + "." + (i + 2);
      run("ip", "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", "port" + i, "netns", sw);
      plug(sw, "port" + i);
      run("ip", "-n", ns, "addr", "add", address + "/24", "dev", "eth0");
      run("ip", "-n", ns, "link", "set", "eth0", "up");
      run("ip", "-n", ns, "link", "set", "lo", "up");
      addresses.put(host, address);
    }
  }

  private void plug(String sw, String port) throws IOException, InterruptedException {
    run("ip", "-n", sw, "link", "set", port, "master", "br0");
    run("ip", "-n", sw, "link", "set", port, "up");
  }

  private void addNamespace(String ns) throws IOException, InterruptedException {
    run("ip", "netns", "add", ns);
    namespaces.add(ns);
  }

  private String namespace(String host) {
    return PREFIX + run + "-" + host;
  }

  private String switchNamespace() {
    return PREFIX + run + "-switch";
  }

  /** Kills what still runs in this run's namespaces (by process id), then deletes them and the observer link. */
  @Override
  public void close() throws IOException, InterruptedException {
    remove(run);
  }

  private static void remove(String run) throws IOException, InterruptedException {
    for (String ns : output("ip", "netns", "list").lines().map(line -> line.split(" ")[0]).toList()) {
      if (ns.startsWith(PREFIX + run + "-")) {
        for (String pid : output("ip", "netns", "pids", ns).lines().map(String::strip).filter(p -> !p.isEmpty())
            .toList()) {
          ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
        tryRun("ip", "netns", "delete", ns);
      }
    }
    String observer = LINK_PREFIX + run + "o";
    if (output("ip", "-o", "link", "show").lines().anyMatch(line -> line.contains(": " + observer + "@")
        || line.contains(": " + observer + ":"))) {
      tryRun("ip", "link", "delete", observer);
    }
  }

  /** What runs of this test left when their JVM died before closing: their JVM's id no longer lives. */
  private static void sweepStale() throws IOException, InterruptedException {
    List<String> runs = new ArrayList<>();
    for (String line : output("ip", "netns", "list").lines().toList()) {
      Matcher ours = OURS.matcher(line.split(" ")[0]);
      if (ours.matches()) {
        runs.add(ours.group(1));
      }
    }
    for (String line : output("ip", "-o", "link", "show").lines().toList()) {
      Matcher ours = OUR_LINK.matcher(line);
      if (ours.matches()) {
        runs.add(ours.group(2));
      }
    }
    for (String stale : runs.stream().distinct().toList()) {
      if (ProcessHandle.of(Long.parseLong(stale, 36)).isEmpty()) {
        System.out.println("removing what an earlier run left: namespaces and link of run " + stale);
        remove(stale);
      }
    }
  }

  /** A 10.x.y.0/24 that neither a route nor an address of this machine overlaps. */
  private static String unusedSubnet() throws IOException, InterruptedException {
    String routes = output("ip", "-4", "route", "show", "table", "all") + output("ip", "-4", "-o", "addr", "show");
    for (int attempt = 0; attempt < 100; attempt++) {
      int x = 64 + ThreadLocalRandom.current().nextInt(190);
      int y = ThreadLocalRandom.current().nextInt(256);
      if (!overlaps(routes, new int[] {10, x, y, 0}, 24)) {
        return "10." + x + "." + y;
      }
    }
    throw new IllegalStateException("no free /24 in 10.0.0.0/8 after 100 attempts");
  }

  private static boolean overlaps(String routes, int[] candidate, int prefixLength) {
    Matcher network = Pattern.compile("(?<![0-9.])(\\d+)\\.(\\d+)\\.(\\d+)\\.(\\d+)(?:/(\\d+))?").matcher(routes);
    long ours = toLong(candidate);
    while (network.find()) {
      int length = network.group(5) == null ? 32 : Integer.parseInt(network.group(5));
      long theirs = toLong(new int[] {Integer.parseInt(network.group(1)), Integer.parseInt(network.group(2)),
          Integer.parseInt(network.group(3)), Integer.parseInt(network.group(4))});
      int shorter = Math.min(length, prefixLength);
      // 0.0.0.0/0 (a default route) is everywhere and nowhere in particular: it does not take the /24.
      if (shorter > 0 && (ours >>> (32 - shorter)) == (theirs >>> (32 - shorter))) {
        return true;
      }
    }
    return false;
  }

  private static long toLong(int[] octets) {
    return ((long) octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3];
  }

  private static void run(String... command) throws IOException, InterruptedException {
    runWithInput(null, command);
  }

  private static void runWithInput(String input, String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (input != null) {
      process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    }
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed: " + output.strip());
    }
  }

  private static boolean tryRun(String... command) throws IOException, InterruptedException {
    try {
      run(command);
      return true;
    } catch (IOException e) {
      System.err.println(e.getMessage());
      return false;
    }
  }

  private static String output(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output.strip());
    }
    return output + "\n";
  }
}
