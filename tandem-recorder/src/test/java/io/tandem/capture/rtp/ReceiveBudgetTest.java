package io.tandem.capture.rtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReceiveBudgetTest {
  @Test
  void streamAtItsPaceIsReadOncePerSelection() {
    ReceiveBudget budget = new ReceiveBudget();
    for (long round = 0; round < 100; round += 3) {
      budget.turnEnded(round, false);
      assertThat(budget.limit()).isEqualTo(1);
    }
  }

  @Test
  void backlogSelectedRoundAfterRoundGrowsTheBudgetUpToTheBound() {
    ReceiveBudget budget = new ReceiveBudget();
    for (long round = 0; round < 20; round++) {
      budget.turnEnded(round, false);
    }
    assertThat(budget.limit()).isEqualTo(ReceiveBudget.MAX);
  }

  @Test
  void emptySocketHalvesTheBudget() {
    ReceiveBudget budget = new ReceiveBudget();
    for (long round = 0; round < 4; round++) {
      budget.turnEnded(round, false);
    }
    assertThat(budget.limit()).isEqualTo(8);
    budget.turnEnded(4, true);
    assertThat(budget.limit()).isEqualTo(4);
    for (long round = 5; round < 10; round++) {
      budget.turnEnded(round, true);
    }
    assertThat(budget.limit()).isEqualTo(1);
  }
}
