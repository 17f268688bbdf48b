package io.tandem.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  @Test
  void theDocsTableIsTheOneTheServersCheck() throws Exception {
    Path doc = Path.of("..", "docs", "access.md");

    assertThat(Files.readString(doc, StandardCharsets.UTF_8))
        .as("docs/access.md ends with what './tandem routes' prints (RouteTable.markdown()); print it again")
        .endsWith(RouteTable.markdown());
  }

  @Test
  void onlyTheProbesTheLoginAndTheConsolesPageAreOpen() {
    assertThat(RouteTable.routes().stream().filter(RouteTable.Route::open)
        .map(route -> route.server() + " " + route.method() + " " + route.path()))
        .containsExactlyInAnyOrder("MANAGER GET /health", "MANAGER GET /ready", "MANAGER POST /api/login",
            "MANAGER GET /", "RECORDER GET /health");
  }

  @Test
  void onlyTheManagerGivesRoleAndPromotionOrdersAndNoPersonIsTheManager() {
    assertThat(RouteTable.find(RouteTable.Server.RECORDER, "POST", "/api/role").orElseThrow().roles())
        .containsExactly(AccessRole.MANAGER);
    assertThat(RouteTable.find(RouteTable.Server.RECORDER, "POST", "/api/promote").orElseThrow().roles())
        .containsExactly(AccessRole.MANAGER);
    assertThat(RouteTable.routes(RouteTable.Server.MANAGER)).allSatisfy(route -> assertThat(route.roles())
        .doesNotContain(AccessRole.MANAGER));
  }

  @Test
  void eachRouteIsListedOnce() {
    Set<String> seen = new HashSet<>();
    assertThat(RouteTable.routes()).allSatisfy(route -> assertThat(seen.add(route.server() + " " + route.method()
        + " " + route.path())).as("%s listed twice", route).isTrue());
  }
}
