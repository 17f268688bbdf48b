package io.tandem.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupCacheTest {
  private static final Runtime.Version JDK_21 = Runtime.Version.parse("21.0.5+11");
  private static final Runtime.Version JDK_24 = Runtime.Version.parse("24.0.2+12");
  private static final Runtime.Version JDK_25 = Runtime.Version.parse("25.0.3+9");

  @TempDir
  Path root;

  private Path dir;
  private String classPath;
  private StartupCache cache;

  @BeforeEach
  void buildTwoJars() throws Exception {
    dir = root.resolve("startup");
    Path a = Files.writeString(root.resolve("a.jar"), "first");
    Path b = Files.writeString(root.resolve("b.jar"), "second");
    classPath = a + File.pathSeparator + b;
    cache = new StartupCache(dir, "recorder-main");
  }

  @Test
  void jdksBefore25KeepTheDynamicClassDataSharingArchive() throws Exception {
    for (Runtime.Version jdk : List.of(JDK_21, JDK_24)) {
      StartupCache.Start start = cache.start(jdk, classPath);
      assertThat(start.options()).contains("-XX:+AutoCreateSharedArchive",
          "-XX:SharedArchiveFile=" + dir.resolve("recorder-main.jsa"));
      assertThat(start.options()).noneMatch(option -> option.startsWith("-XX:AOTCache"));
      assertThat(start.trains()).isFalse();
    }
  }

  @Test
  void jdk25TrainsTheAotCacheOnceAndUsesItAfter() throws Exception {
    StartupCache.Start first = cache.start(JDK_25, classPath);
    assertThat(first.trains()).isTrue();
    Path written = optionValue(first, "-XX:AOTCacheOutput=");
    assertThat(written.getParent()).isEqualTo(dir);
    assertThat(first.options()).noneMatch(option -> option.contains("SharedArchive"));

    Files.writeString(written, "what the JVM wrote at exit");
    StartupCache.Start later = cache.start(JDK_25, classPath);
    assertThat(later.trains()).isFalse();
    assertThat(later.options()).containsExactly(StartupCache.LESS_EAGER_JIT, "-XX:AOTCache=" + written);
  }

  @Test
  void theCacheHoldsNoMethodProfilesAndTheJitIsLessEagerEitherWay() throws Exception {
    StartupCache.Start first = cache.start(JDK_25, classPath);
    assertThat(first.options()).contains(StartupCache.LESS_EAGER_JIT, "-XX:+UnlockDiagnosticVMOptions",
        "-XX:-AOTRecordTraining");
    assertThat(first.options()).as("an option JDK 25 knows").doesNotContain("-XX:+IgnoreUnrecognizedVMOptions");
    assertThat(first.options().indexOf("-XX:+UnlockDiagnosticVMOptions"))
        .isLessThan(first.options().indexOf("-XX:-AOTRecordTraining"));
    assertThat(cache.start(JDK_21, classPath).options()).contains(StartupCache.LESS_EAGER_JIT)
        .noneMatch(option -> option.contains("Training"));

    assertThat(cache.start(Runtime.Version.parse("26+35"), classPath).options())
        .as("a later JDK may have renamed the diagnostic option: it starts without it")
        .contains("-XX:+IgnoreUnrecognizedVMOptions", "-XX:-AOTRecordTraining");
  }

  @Test
  void aNewBuildOrJdkTrainsANewCacheAndRemovesTheOldOne() throws Exception {
    Path old = optionValue(cache.start(JDK_25, classPath), "-XX:AOTCacheOutput=");
    Files.writeString(old, "cache of the old build");
    Files.writeString(dir.resolve("recorder-main.jsa"), "archive of an older JDK");
    Files.writeString(dir.resolve("recorder-backup-0123456789abcdef.aot"), "the other recorder's");
    Path jar = Path.of(classPath.split(File.pathSeparator)[1]);
    Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));

    StartupCache.Start rebuilt = cache.start(JDK_25, classPath);
    assertThat(rebuilt.trains()).isTrue();
    assertThat(optionValue(rebuilt, "-XX:AOTCacheOutput=")).isNotEqualTo(old);
    assertThat(old).doesNotExist();
    assertThat(dir.resolve("recorder-main.jsa")).doesNotExist();
    assertThat(dir.resolve("recorder-backup-0123456789abcdef.aot")).as("another name's cache").exists();

    Path forJdk25 = optionValue(cache.start(JDK_25, classPath), "-XX:AOTCacheOutput=");
    Path forNextJdk = optionValue(cache.start(Runtime.Version.parse("26+35"), classPath), "-XX:AOTCacheOutput=");
    assertThat(forNextJdk).isNotEqualTo(forJdk25);
  }

  @Test
  void aCacheWhoseWritingWasCutShortIsTrainedAgain() throws Exception {
    Path written = optionValue(cache.start(JDK_25, classPath), "-XX:AOTCacheOutput=");
    // A kill -9 while the JVM wrote the cache: part of it, and the training record it removes only at the end.
    Files.writeString(written, "half");
    Files.writeString(StartupCache.trainingRecord(written), "recorded classes");

    StartupCache.Start again = cache.start(JDK_25, classPath);
    assertThat(again.trains()).isTrue();
    assertThat(StartupCache.trainingRecord(written)).doesNotExist();

    Files.writeString(written, "");
    assertThat(cache.start(JDK_25, classPath).trains()).as("an empty cache").isTrue();
  }

  @Test
  void aNameThatIsNoPlainWordIsRefused() {
    assertThatThrownBy(() -> new StartupCache(dir, "../up")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'../up'");
  }

  private static Path optionValue(StartupCache.Start start, String prefix) {
    return start.options().stream().filter(option -> option.startsWith(prefix)).map(option -> Path.of(
        option.substring(prefix.length()))).findFirst().orElseThrow(() -> new AssertionError(prefix + " in "
        + start.options()));
  }
}
