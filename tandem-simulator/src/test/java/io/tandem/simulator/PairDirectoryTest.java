package io.tandem.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PairDirectoryTest {
  private static final String PAIRS = """
      [{"name":"pair-a","epoch":3,"rollbackWindowSeconds":900,"recorders":[
         {"serial":"100001","position":"MAIN","role":"PRIMARY","healthy":true,"adminUrl":"http://127.0.0.1:1","sipAddress":"127.0.0.1:25060"},
         {"serial":"100002","position":"BACKUP","role":"SECONDARY","healthy":true,"adminUrl":"http://127.0.0.1:2","sipAddress":"127.0.0.1:25062"}]},
       {"name":"pair-b","recorders":[{"sipAddress":"127.0.0.1:25070"},{"sipAddress":"127.0.0.1:25072"}]}]
      """;
  private HttpServer server;
  private URI manager;

  @BeforeEach
  void startManager() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/pairs", exchange -> {
      byte[] body = PAIRS.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    manager = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stopManager() {
    server.stop(0);
  }

  @Test
  void firstPairIsTakenWhenNoNameIsGiven() {
    assertThat(PairDirectory.sipAddresses(manager, null)).containsExactly(
        new InetSocketAddress("127.0.0.1", 25060), new InetSocketAddress("127.0.0.1", 25062));
  }

  @Test
  void namedPairIsFound() {
    assertThat(PairDirectory.sipAddresses(manager, "pair-b")).extracting(InetSocketAddress::getPort)
        .containsExactly(25070, 25072);
  }

  @Test
  void allGivesEveryPairsRecordersInTheManagersOrder() {
    assertThat(PairDirectory.pairsSipAddresses(manager, "all", null, null)).containsExactly(
        List.of(new InetSocketAddress("127.0.0.1", 25060), new InetSocketAddress("127.0.0.1", 25062)),
        List.of(new InetSocketAddress("127.0.0.1", 25070), new InetSocketAddress("127.0.0.1", 25072)));
    assertThat(PairDirectory.pairsSipAddresses(manager, "pair-b", null, null)).containsExactly(
        List.of(new InetSocketAddress("127.0.0.1", 25070), new InetSocketAddress("127.0.0.1", 25072)));
  }

  @Test
  void unknownPairIsNamedInTheError() {
    assertThatThrownBy(() -> PairDirectory.sipAddresses(manager, "pair-z"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no pair named 'pair-z'")
        .hasMessageContaining("pair-a");
  }

  @Test
  void aManagerThatDoesNotAnswerIsSkippedForTheNextOfTheList() throws Exception {
    URI closed = URI.create("http://127.0.0.1:" + closedPort());
    assertThat(PairDirectory.sipAddresses(java.util.List.of(closed, manager), "pair-b", null, null))
        .extracting(InetSocketAddress::getPort).containsExactly(25070, 25072);
  }

  @Test
  void whenNoManagerOfTheListAnswersEachFailureIsSaid() throws Exception {
    URI closed = URI.create("http://127.0.0.1:" + closedPort());
    URI alsoClosed = URI.create("http://127.0.0.1:" + closedPort());
    assertThatThrownBy(() -> PairDirectory.sipAddresses(java.util.List.of(closed, alsoClosed), null, null, null))
        .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("no Recorder Manager answered")
        .hasMessageContaining(closed.toString()).hasMessageContaining(alsoClosed.toString());
  }

  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void unreachableManagerGivesAClearError() throws Exception {
    int closedPort = closedPort();
    assertThatThrownBy(() -> PairDirectory.sipAddresses(URI.create("http://127.0.0.1:" + closedPort), null))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot reach the Recorder Manager");
  }
}
