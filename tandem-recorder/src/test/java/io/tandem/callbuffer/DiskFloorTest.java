package io.tandem.callbuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tandem.config.ConfigException;
import org.junit.jupiter.api.Test;

class DiskFloorTest {
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;

  @Test
  void sizesAreReadInBinaryAndDecimalUnitsOrPlainBytes() {
    assertThat(DiskFloor.parse("disk.floor", "1GiB").bytesFor(100 * GIB)).isEqualTo(GIB);
    assertThat(DiskFloor.parse("disk.floor", "512MiB").bytesFor(100 * GIB)).isEqualTo(512 * MIB);
    assertThat(DiskFloor.parse("disk.floor", "64 mib").bytesFor(100 * GIB)).isEqualTo(64 * MIB);
    assertThat(DiskFloor.parse("disk.floor", "2GB").bytesFor(100 * GIB)).isEqualTo(2_000_000_000L);
    assertThat(DiskFloor.parse("disk.floor", "2097152").bytesFor(100 * GIB)).isEqualTo(2 * MIB);
  }

  @Test
  void aPercentageIsAShareOfTheFilesystemRoundedUp() {
    assertThat(DiskFloor.parse("disk.floor", "2%").bytesFor(100 * GIB)).isEqualTo(2 * GIB);
    assertThat(DiskFloor.parse("disk.floor", "0.5%").bytesFor(1_000_000_000L)).isEqualTo(5_000_000L);
    assertThat(DiskFloor.parse("disk.floor", "12.25 %").bytesFor(10_000L)).isEqualTo(1_225L);
    assertThat(DiskFloor.parse("disk.floor", "1%").bytesFor(1_001L)).isEqualTo(11L);
  }

  @Test
  void theDefaultIsTheLargerOfOneGibAndTwoPercent() {
    DiskFloor floor = DiskFloor.parse("disk.floor", null);
    assertThat(floor).isEqualTo(DiskFloor.DEFAULT).isEqualTo(DiskFloor.parse("disk.floor", " "));
    assertThat(floor.bytesFor(10 * GIB)).as("a small disk").isEqualTo(GIB);
    assertThat(floor.bytesFor(1000 * GIB)).as("a large disk").isEqualTo(20 * GIB);
    assertThat(floor).hasToString("the larger of 1GiB and 2%");
  }

  @Test
  void aBadFloorNamesItsKeyAndWhatWasExpected() {
    for (String bad : new String[] {"lots", "1 GiB extra", "-1GiB", "0", "1KiB", "1048575", "0%", "0.001%", "51%",
        "2.5.1%", "1PiB", "99999999999999999999"}) {
      assertThatThrownBy(() -> DiskFloor.parse("disk.floor", bad)).as(bad).isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("'disk.floor' must be a size of at least 1MiB such as 1GiB or 512MiB, or a share "
              + "of the data directory's filesystem from 0.01% to 50% such as 2%, got '");
    }
  }

  @Test
  void aSizeThatOverflowsIsRefusedNotWrapped() {
    assertThatThrownBy(() -> DiskFloor.parse("disk.floor", "999999999999999TiB")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("got '999999999999999TiB'");
  }

  @Test
  void sizesAreWrittenAsPeopleReadThem() {
    assertThat(DiskFloor.size(GIB)).isEqualTo("1GiB");
    assertThat(DiskFloor.size(17 * MIB + MIB / 2)).isEqualTo("17.5MiB");
    assertThat(DiskFloor.size(1023)).isEqualTo("1023B");
    assertThat(DiskFloor.parse("disk.floor", "0.5%")).hasToString("0.50%");
  }
}
