package io.tandem.capture.sip;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses a recorder takes SIP from: IP addresses and networks (CIDR), IPv4 or IPv6, such as
 * {@code 10.0.0.5, 10.0.1.0/24, 2001:db8::/32}. Only literal addresses are taken, never host names, so that
 * reading the list asks no name server. Immutable and thread-safe.
 */
public final class AllowList {
  /** Every address: for tests that do not exercise the list. */
  public static final AllowList ANY = new AllowList(List.of(new Network(new byte[4], 0), new Network(new byte[16], 0)),
      "any");
  /** The loopback addresses, 127.0.0.0/8 and ::1: what {@code tandem up} allows. */
  public static final AllowList LOOPBACK = parse("127.0.0.0/8, ::1");

  private final List<Network> networks;
  private final String text;

  private AllowList(List<Network> networks, String text) {
    this.networks = List.copyOf(networks);
    this.text = text;
  }

  /**
   * Reads a list of addresses and networks separated by commas or spaces.
   *
   * @throws IllegalArgumentException naming the entry that is not an IP address or network, or for an empty list
   */
  public static AllowList parse(String list) {
    List<Network> networks = new ArrayList<>();
    List<String> entries = new ArrayList<>();
    for (String entry : list == null ? new String[0] : list.strip().split("[,\\s]+")) {
      if (!entry.isEmpty()) {
        networks.add(network(entry));
        entries.add(entry);
      }
    }
    if (networks.isEmpty()) {
      throw new IllegalArgumentException("expected at least one IP address or network such as 10.0.0.5 or "
          + "10.0.1.0/24, got nothing");
    }
    return new AllowList(networks, String.join(", ", entries));
  }

  public boolean allows(InetAddress address) {
    byte[] bytes = address.getAddress();
    for (Network network : networks) {
      if (network.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return text;
  }

  private static Network network(String entry) {
    int slash = entry.indexOf('/');
    String address = slash < 0 ? entry : entry.substring(0, slash);
    // A literal: dotted IPv4, or IPv6 with colons. Anything else would be looked up as a host name.
    if (!address.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") && !address.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
      throw invalid(entry);
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      throw invalid(entry);
    }
    int prefix = bytes.length * 8;
    if (slash >= 0) {
      String bits = entry.substring(slash + 1);
      if (!bits.matches("[0-9]{1,3}") || Integer.parseInt(bits) > prefix) {
        throw invalid(entry);
      }
      prefix = Integer.parseInt(bits);
    }
    return new Network(bytes, prefix);
  }

  private static IllegalArgumentException invalid(String entry) {
    return new IllegalArgumentException("expected IP addresses or networks such as 10.0.0.5, 10.0.1.0/24 or "
        + "2001:db8::/32, got '" + entry + "'");
  }

  /** An address with the number of leading bits that must match. */
  private record Network(byte[] address, int prefix) {
    boolean contains(byte[] candidate) {
      if (candidate.length != address.length) {
        return false;
      }
      int whole = prefix / 8;
      for (int i = 0; i < whole; i++) {
        if (candidate[i] != address[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (candidate[whole] & mask) == (address[whole] & mask);
    }
  }
}
