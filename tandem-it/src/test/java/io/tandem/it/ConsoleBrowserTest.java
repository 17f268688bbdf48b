package io.tandem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tandem.simulator.CallSimulator;
import io.tandem.simulator.SimulationPlan;
import io.tandem.simulator.SimulationReport;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The Manager's console in a real headless Chromium, as an administrator uses it on a real pair: signed in with a
 * password (a wrong one refused), the pairs appear live, a call is found by part of a participant's number, opened, played and sought to its middle, a reprocess is
 * started and followed to DONE, kill -9 of the Main shows up as a failover in the timeline without a reload, a second
 * Manager's console says that it stands by, which Manager acts, and why it offers no failback, and the
 * API explorer opens from the console's header and lists the operations.
 * Each step leaves a screenshot under {@code target/console-screenshots}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  private static final int MAIN = 470_001;
  private static final int BACKUP = 470_002;
  private static final Duration CALL = Duration.ofSeconds(8);
  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final String PASSWORD = "a long passphrase for the console test";
  private static final Path SHOTS = Path.of("target", "console-screenshots");
  private static final Pattern RANGE_REPLAYS = Pattern.compile("tandem_replay_requests_total\\{range=\"yes\"} ([0-9.]+)");

  @TempDir
  static Path root;

  static PairFixture pair;
  static SimulationReport report;
  static WebDriver browser;
  static LocalDateTime callsBegan;
  static ManagerProcess standby;

  @BeforeAll
  static void recordCallsAndOpenABrowser() throws Exception {
    RealPeers.requireOnPath("chromium", "chromium", "chromium");
    RealPeers.requireOnPath("chromium", "chromedriver", "chromium-driver");
    int rtpBase = 49_000 + 400 * ThreadLocalRandom.current().nextInt(5);
    pair = PairFixture.builder(root, MAIN, BACKUP, rtpBase).rtpPorts(200)
        .recorderSettings(Map.of("gap.grace", "2s")).start();
    callsBegan = LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).minusMinutes(1);
    report = new CallSimulator(new SimulationPlan(pair.sipAddresses(), 3, 3, CALL, "udp", 0)).run();
    assertThat(report.failures()).as("simulated conversations that failed").isZero();
    await().atMost(WAIT).until(() -> PairFixture.getJson(pair.managerUrl() + "/api/interactions").size() == 3);
    Files.createDirectories(SHOTS);
    browser = startBrowser(root.resolve("chromium-profile"));
  }

  @AfterAll
  static void closeBrowserAndPair() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (standby != null) {
      standby.close();
    }
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  @Order(1)
  void theConsoleAsksWhoIsThereThenShowsThePairLive() throws Exception {
    // A person with a password of their own, added by an administrator's script.
    var added = PairFixture.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(pair.managerUrl()
        + "/api/users")).header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers
        .ofString("{\"name\":\"ann\",\"role\":\"admin\",\"password\":\"" + PASSWORD + "\"}")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(added.statusCode()).as(added.body()).isEqualTo(201);

    browser.get(pair.managerUrl() + "/");
    await().atMost(WAIT).until(() -> browser.findElement(By.id("login")).isDisplayed());
    screenshot("0-sign-in");
    browser.findElement(By.id("login-name")).sendKeys("ann");
    browser.findElement(By.id("login-password")).sendKeys("not the password");
    browser.findElement(By.id("login-submit")).click();
    await().atMost(WAIT).until(() -> text("#login-error").contains("wrong name or password"));
    browser.findElement(By.id("login-password")).clear();
    browser.findElement(By.id("login-password")).sendKeys(PASSWORD);
    browser.findElement(By.id("login-submit")).click();
    await().atMost(WAIT).until(() -> !browser.findElement(By.id("login")).isDisplayed());
    assertThat(text("#who")).isEqualTo("ann (admin)");
    await().atMost(WAIT).until(() -> text("#live-state").equals("live"));
    await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector(
        ".pair[data-pair='pair-" + MAIN + "'] tr.recorder[data-serial='" + MAIN + "'][data-role='PRIMARY']")).isEmpty());
    assertThat(text("#pairs")).contains("pair-" + MAIN, Integer.toString(BACKUP), "SECONDARY");
    assertThat(browser.findElement(By.id("rrc")).getAttribute("data-rrc")).isEqualTo("acting");
    assertThat(text("#rrc")).startsWith("This Manager acts as the Recorder Redundancy Controller");
    screenshot("1-pairs");
  }

  @Test
  @Order(2)
  void aCallIsFoundByPartOfANumberOpenedPlayedAndSought() throws Exception {
    var sent = report.conversations().get(1);
    String number = String.format("1555%07d", sent.index());
    browser.findElement(By.id("participant")).sendKeys(number.substring(2));
    browser.findElement(By.id("search")).click();
    await().atMost(WAIT).until(() -> browser.findElements(By.cssSelector("#results tr.result")).size() == 1);
    assertThat(text("#results")).contains("+" + number);
    WebElement zip = browser.findElement(By.id("download-zip"));
    assertThat(zip.isDisplayed()).as("Download ZIP shown with the results").isTrue();
    assertThat(zip.getAttribute("href")).as("the same search's export")
        .contains("/api/interactions/export.zip?", "participant=" + number.substring(2));
    screenshot("2-search");

    double rangesBefore = rangeReplays();
    browser.findElement(By.cssSelector("#results tr.result")).click();
    await().atMost(WAIT).until(() -> browser.findElement(By.id("detail")).isDisplayed()
        && !browser.findElements(By.cssSelector("#detail-copies tr.copy")).isEmpty());
    assertThat(text("#detail-participants")).contains("+" + number);

    JavascriptExecutor js = (JavascriptExecutor) browser;
    js.executeScript("window.canPlay = false; const a = document.getElementById('player');"
        + " a.addEventListener('canplay', () => { window.canPlay = true; });"
        + " if (a.readyState >= 3) { window.canPlay = true; } a.play();");
    await().atMost(WAIT).until(() -> Boolean.TRUE.equals(js.executeScript("return window.canPlay;")));
    double first = number(js.executeScript("return document.getElementById('player').currentTime;"));
    await().atMost(WAIT).until(() -> number(js.executeScript("return document.getElementById('player').currentTime;"))
        > first + 0.5);
    double duration = number(js.executeScript("return document.getElementById('player').duration;"));
    assertThat(duration).as("seconds the player holds").isCloseTo(CALL.toSeconds(), org.assertj.core.data.Offset.offset(0.5));
    screenshot("3-playing");

    js.executeScript("const a = document.getElementById('player'); a.currentTime = a.duration / 2;");
    await().atMost(WAIT).until(() -> number(js.executeScript("return document.getElementById('player').currentTime;"))
        > duration / 2 + 0.3);
    assertThat(rangeReplays()).as("replay requests with a Range, before %s", rangesBefore).isGreaterThan(rangesBefore);
    screenshot("4-sought");
  }

  @Test
  @Order(3)
  void aReprocessStartedFromThePageIsFollowedToDone() throws Exception {
    JavascriptExecutor js = (JavascriptExecutor) browser;
    DateTimeFormatter local = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    browser.findElement(By.id("reprocess-serial")).sendKeys(Integer.toString(MAIN));
    // The page reads these in the browser's time zone, which is this machine's.
    js.executeScript("document.getElementById('reprocess-from').value = arguments[0];"
        + " document.getElementById('reprocess-to').value = arguments[1];",
        callsBegan.atZone(ZoneOffset.UTC).withZoneSameInstant(java.time.ZoneId.systemDefault()).format(local),
        LocalDateTime.now(ZoneOffset.UTC).plusMinutes(1).atZone(ZoneOffset.UTC)
            .withZoneSameInstant(java.time.ZoneId.systemDefault()).format(local));
    browser.findElement(By.id("reprocess-start")).click();
    await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector("#jobs tr.job[data-state='DONE']")).isEmpty()
        || !text("#job-error").isEmpty());
    assertThat(text("#job-error")).isEmpty();
    assertThat(text("#jobs")).contains("REPROCESS", Integer.toString(MAIN), "DONE");
    screenshot("5-reprocess-done");
  }

  @Test
  @Order(4)
  void killMinus9OfTheMainAppearsAsAFailoverWithoutAReload() throws Exception {
    Object page = ((JavascriptExecutor) browser).executeScript("return window.performance.timeOrigin;");
    pair.main.kill9();
    await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector("#timeline li[data-type='FAILOVER']")).isEmpty());
    await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector(
        ".pair[data-pair='pair-" + MAIN + "'] tr.recorder[data-serial='" + BACKUP + "'][data-role='PRIMARY']")).isEmpty());
    assertThat(((JavascriptExecutor) browser).executeScript("return window.performance.timeOrigin;"))
        .as("the same page, never reloaded").isEqualTo(page);
    screenshot("6-failover");
  }

  @Test
  @Order(5)
  void aStandbyManagersConsoleNamesTheActingOneAndSaysWhyItOffersNoFailback() throws Exception {
    String pairName = "pair-" + MAIN;
    var manual = PairFixture.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(pair.managerUrl()
        + "/api/pairs/" + pairName + "/policy")).header("Content-Type", "application/json")
        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"failbackPolicy\":\"manual\"}")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(manual.statusCode()).as(manual.body()).isEqualTo(200);
    String failback = ".pair[data-pair='" + pairName + "'] form.failback";
    await().atMost(WAIT).until(() -> Boolean.TRUE.equals(enabled(failback + " button")));

    standby = new ManagerProcess(root.resolve("manager-2"), pair.postgres.jdbcUrl(), "500ms", 3).start();
    browser.get(standby.url() + "/");
    await().atMost(WAIT).until(() -> browser.findElement(By.id("login")).isDisplayed()
        || "standby".equals(browser.findElement(By.id("rrc")).getAttribute("data-rrc")));
    if (browser.findElement(By.id("login")).isDisplayed()) {
      browser.findElement(By.id("login-name")).sendKeys("ann");
      browser.findElement(By.id("login-password")).sendKeys(PASSWORD);
      browser.findElement(By.id("login-submit")).click();
    }
    await().atMost(WAIT).until(() -> "standby".equals(browser.findElement(By.id("rrc")).getAttribute("data-rrc")));
    assertThat(text("#rrc")).startsWith("This Manager stands by.")
        .contains("The Recorder Redundancy Controller acts on " + pair.managerUrl() + ".")
        .contains("a failback asked here is refused (503)");
    assertThat(enabled(failback + " button")).as("no failback offered by a standby").isFalse();
    assertThat(text(failback)).contains("only the acting Manager fails back (" + pair.managerUrl() + ")");
    var refused = PairFixture.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(standby.url()
        + "/api/pairs/" + pairName + "/failback")).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).as("what the page says: " + refused.body()).isEqualTo(503);
    screenshot("7-standby");
  }

  @Test
  @Order(6)
  void theApiExplorerOpensFromTheConsoleAndListsTheOperations() throws Exception {
    browser.findElement(By.id("api-link")).click();
    await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector(
        ".opblock-summary-path[data-path='/api/interactions/export.zip']")).isEmpty());
    assertThat(browser.findElements(By.cssSelector(".opblock-summary-path")).size()).as("operations listed")
        .isGreaterThan(30);
    screenshot("8-api-explorer");
  }

  private static WebDriver startBrowser(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(new File("/usr/bin/chromium"));
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--mute-audio", "--autoplay-policy=no-user-gesture-required",
        "--user-data-dir=" + profile, "--window-size=1400,1800");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  /** The visible text of the first element {@code css} finds, "" when there is none. */
  private static String text(String css) {
    return redrawn(() -> {
      List<WebElement> found = browser.findElements(By.cssSelector(css));
      return found.isEmpty() ? "" : found.get(0).getText();
    });
  }

  /** Whether the first element {@code css} finds is enabled, null when there is none. */
  private static Boolean enabled(String css) {
    return redrawn(() -> {
      List<WebElement> found = browser.findElements(By.cssSelector(css));
      return found.isEmpty() ? null : found.get(0).isEnabled();
    });
  }

  /**
   * Reads the page again when the console redrew the element between finding and reading it: it redraws a pair's
   * panel whenever the pair's state arrives, so an element found a moment ago may be gone, replaced by its like.
   */
  private static <T> T redrawn(java.util.function.Supplier<T> read) {
    for (int attempt = 1; ; attempt++) {
      try {
        return read.get();
      } catch (StaleElementReferenceException e) {
        if (attempt == 5) {
          throw e;
        }
      }
    }
  }

  private static double number(Object value) {
    return value == null ? Double.NaN : ((Number) value).doubleValue();
  }

  private static double rangeReplays() throws Exception {
    var answer = PairFixture.HTTP.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(pair.managerUrl() + "/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    Matcher matcher = RANGE_REPLAYS.matcher(answer.body());
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
  }

  private static void screenshot(String name) throws Exception {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
