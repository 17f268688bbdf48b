package io.tandem.manager;

import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.tandem.access.AccessPolicy;
import io.tandem.access.AccessRole;
import io.tandem.access.Principal;
import io.tandem.access.RouteTable;
import io.tandem.database.CallDatabase;
import io.tandem.database.DatabaseErrors;
import io.tandem.database.EventView;
import io.tandem.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/live}: server-sent events that keep a console current without reloading. A {@code pairs} event
 * carries every pair as {@code GET /api/pairs} shows it, sent on connecting and again whenever anything in it
 * changes (a role, the epoch, health, an alarm, the policy); an {@code event} event carries each new entry of the
 * event log (failover with its figures, failback, recorder down and up, gap...) as {@code GET /api/events} shows
 * it, with the entry's id as the SSE id. A client that reconnects with {@code Last-Event-ID}, or connects with
 * {@code ?after=ID} (the last id of a {@code GET /api/events} it read), gets every entry after it; otherwise
 * entries from its connection on. One thread reads the call database every interval while clients are connected
 * and sends to all of them. Thread-safe.
 */
final class LiveFeed implements AutoCloseable {
  /** What reads every pair's state, as {@code GET /api/pairs} shows it. */
  @FunctionalInterface
  interface PairsSource {
    Object pairs() throws Exception;
  }

  private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
  private static final int EVENTS_PER_READ = 500;
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
  private static final String STARTING_POINT = "tandem.live.after";
  private static final String SEES_PAIRS = "tandem.live.pairs";
  private static final String SEES_EVENTS = "tandem.live.events";

  /** One connected console and how far it has been sent. Touched by the feed's thread only, once added. */
  private static final class Listener {
    final SseClient client;
    final boolean seesPairs;
    final boolean seesEvents;
    long lastEventId;
    String lastPairs;

    Listener(SseClient client, long lastEventId, boolean seesPairs, boolean seesEvents) {
      this.client = client;
      this.lastEventId = lastEventId;
      this.seesPairs = seesPairs;
      this.seesEvents = seesEvents;
    }
  }

  private final CallDatabase database;
  private final PairsSource pairs;
  private final Duration interval;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread feed = new Thread(runnable, "live-feed");
    feed.setDaemon(true);
    return feed;
  });
  private final Clock clock;
  private Instant lastKeepAlive;

  LiveFeed(CallDatabase database, PairsSource pairs, Duration interval, Clock clock) {
    this.database = database;
    this.pairs = pairs;
    this.interval = interval;
    this.clock = clock;
    this.lastKeepAlive = clock.instant();
  }

  void start() {
    thread.scheduleWithFixedDelay(this::sendNews, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Checks a request before its stream opens (once it is open, no status can be answered): where to start, from
   * {@code Last-Event-ID} or {@code after}, or a 400 naming what is wrong.
   */
  void check(Context ctx) throws Exception {
    String resumed = ctx.header("Last-Event-ID");
    String asked = resumed != null ? resumed : ctx.queryParam("after");
    long after;
    if (asked == null || asked.isBlank()) {
      after = database.lastEventId();
    } else {
      try {
        after = Long.parseLong(asked.strip());
      } catch (NumberFormatException e) {
        after = -1;
      }
      if (after < 0) {
        throw new BadRequestException((resumed != null ? "Last-Event-ID" : "'after'")
            + " must be the id of an event, a whole number from 0, got '" + asked + "'");
      }
    }
    ctx.attribute(STARTING_POINT, after);
    // Each part of the feed goes only to a role that may read it through its own route.
    Optional<AccessRole> role = AccessPolicy.principal(ctx).map(Principal::role);
    ctx.attribute(SEES_PAIRS, role.isPresent() && may(role.get(), "/api/pairs"));
    ctx.attribute(SEES_EVENTS, role.isPresent() && may(role.get(), "/api/events"));
  }

  private static boolean may(AccessRole role, String path) {
    return RouteTable.find(RouteTable.Server.MANAGER, "GET", path).map(route -> route.roles().contains(role))
        .orElse(false);
  }

  /** Takes a client whose request {@link #check} passed: the stream's handler. */
  void connect(SseClient client) {
    Long after = client.ctx().attribute(STARTING_POINT);
    client.keepAlive();
    Listener listener = new Listener(client, after == null ? Long.MAX_VALUE : after,
        Boolean.TRUE.equals(client.ctx().attribute(SEES_PAIRS)), Boolean.TRUE.equals(client.ctx().attribute(SEES_EVENTS)));
    client.onClose(() -> listeners.remove(listener));
    listeners.add(listener);
    // The first pairs event and any events the client asked for follow within one interval.
  }

  private void sendNews() {
    if (listeners.isEmpty()) {
      return;
    }
    try {
      String pairsJson = Json.write(pairs.pairs());
      long from = listeners.stream().mapToLong(listener -> listener.lastEventId).min().orElseThrow();
      List<EventView> events = database.eventsAfter(from, EVENTS_PER_READ);
      Instant now = clock.instant();
      boolean keepAlive = Duration.between(lastKeepAlive, now).compareTo(KEEP_ALIVE) > 0;
      for (Listener listener : listeners) {
        send(listener, pairsJson, events, keepAlive);
      }
      if (keepAlive) {
        lastKeepAlive = now;
      }
    } catch (Exception e) {
      if (DatabaseErrors.isRetryable(e)) {
        LOG.debug("live feed waits for the call database: {}", e.toString());
      } else {
        LOG.warn("live feed could not read what to send", e);
      }
    }
  }

  private void send(Listener listener, String pairsJson, List<EventView> events, boolean keepAlive) {
    SseClient client = listener.client;
    if (client.terminated()) {
      listeners.remove(listener);
      return;
    }
    if (listener.seesPairs && !pairsJson.equals(listener.lastPairs)) {
      client.sendEvent("pairs", pairsJson);
      listener.lastPairs = pairsJson;
    }
    for (EventView event : events) {
      if (event.id() > listener.lastEventId) {
        if (listener.seesEvents) {
          client.sendEvent("event", Json.write(event), Long.toString(event.id()));
        }
        listener.lastEventId = event.id();
      }
    }
    if (keepAlive) {
      client.sendComment("keep-alive");
    }
  }

  /** The number of consoles connected now. */
  int listeners() {
    return listeners.size();
  }

  @Override
  public void close() {
    thread.shutdownNow();
    listeners.forEach(listener -> listener.client.close());
    listeners.clear();
  }
}
