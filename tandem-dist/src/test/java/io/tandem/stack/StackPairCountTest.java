package io.tandem.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StackPairCountTest {
  @TempDir
  Path dir;

  @Test
  void aDirectoryResumesWithAsManyPairsOrMoreAndRemembersTheMost() throws Exception {
    Files.createDirectories(dir);
    StackPairCount.claim(new StackLayout(dir, 8080));
    assertThat(Files.readString(StackPairCount.file(new StackLayout(dir, 8080)))).isEqualTo("1\n");

    StackPairCount.claim(new StackLayout(dir, 8080, false, 3));
    StackPairCount.claim(new StackLayout(dir, 8080, false, 3));
    assertThat(Files.readString(dir.resolve("stack.pairs"))).isEqualTo("3\n");
  }

  @Test
  void fewerPairsThanTheDirectoryHasRunAreRefusedNamingTheCountAndChangeNothing() throws Exception {
    StackPairCount.claim(new StackLayout(dir, 8080, false, 3));

    assertThatThrownBy(() -> StackPairCount.claim(new StackLayout(dir, 8080)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--pairs 1 is fewer than the 3 pairs " + dir.toAbsolutePath().normalize() + " has run (their "
            + "recorders are registered in its call database): give --pairs 3 or more");
    assertThat(Files.readString(dir.resolve("stack.pairs"))).isEqualTo("3\n");
  }

  @Test
  void anUnreadableCountStopsTheStartNamingTheFile() throws Exception {
    Files.writeString(dir.resolve("stack.pairs"), "three");

    assertThatThrownBy(() -> StackPairCount.claim(new StackLayout(dir, 8080, false, 2)))
        .hasMessageContaining("stack.pairs must hold the number of pairs the stack has run, got 'three'");
    assertThat(Files.readString(dir.resolve("stack.pairs"))).isEqualTo("three");
  }
}
