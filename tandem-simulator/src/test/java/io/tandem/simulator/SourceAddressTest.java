package io.tandem.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class SourceAddressTest {
  @Test
  void recordersOnThisMachineAreCalledFromLoopback() {
    assertThat(SourceAddress.toward(List.of(new InetSocketAddress("127.0.0.1", 5060))))
        .isEqualTo(InetAddress.getLoopbackAddress());
  }

  @Test
  void aRecorderOnAnotherInterfaceIsCalledFromTheAddressRoutedToIt() throws Exception {
    Optional<InetAddress> own = NetworkInterface.networkInterfaces().filter(this::upAndNotLoopback)
        .flatMap(NetworkInterface::inetAddresses).filter(address -> address instanceof Inet4Address).findFirst();
    Assumptions.assumeTrue(own.isPresent(), "this machine has an IPv4 address besides loopback");
    // An address of this host is reached from itself: the source the routing picks is that address.
    assertThat(SourceAddress.toward(List.of(new InetSocketAddress(own.get(), 5060),
        new InetSocketAddress("127.0.0.1", 5062)))).isEqualTo(own.get());
  }

  @Test
  void anUnresolvedRecorderIsNamedInTheError() {
    assertThatThrownBy(() -> SourceAddress.toward(List.of(InetSocketAddress.createUnresolved("recorder.invalid",
        5060)))).isInstanceOf(UncheckedIOException.class).hasMessageContaining("recorder.invalid");
  }

  private boolean upAndNotLoopback(NetworkInterface network) {
    try {
      return network.isUp() && !network.isLoopback();
    } catch (java.net.SocketException e) {
      return false;
    }
  }
}
