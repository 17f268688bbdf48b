package io.tandem.manager;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.tandem.database.CallDatabase;
import io.tandem.database.CallMonths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/call-months}: the months of the call database with their sizes, the retention and the months made
 * ahead as configured, and what the last round of this Manager's {@link CallMonthsPass} did (null on a Manager that
 * has not run one: a standby's rounds wait until it acts). Read only. Thread-safe.
 */
final class CallMonthsApi {
  private static final double SECONDS_A_DAY = 86_400.0;

  private final CallDatabase database;
  private final CallRetention retention;
  private final CallMonthsPass pass;

  CallMonthsApi(CallDatabase database, CallRetention retention, CallMonthsPass pass) {
    this.database = database;
    this.retention = retention;
    this.pass = pass;
  }

  void declare(RoutesConfig routes) {
    routes.get("/api/call-months", this::list);
  }

  private void list(Context ctx) throws Exception {
    for (String name : ctx.queryParamMap().keySet()) {
      if (!name.isEmpty()) {
        throw new BadRequestException("unknown parameter '" + name + "': /api/call-months takes none");
      }
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("retentionDays", retention.keep() == null ? null : retention.keep().toSeconds() / SECONDS_A_DAY);
    answer.put("monthsAhead", retention.monthsAhead());
    List<Map<String, Object>> months = new ArrayList<>();
    for (CallMonths.MonthSize size : database.months().sizes()) {
      Map<String, Object> month = new LinkedHashMap<>();
      month.put("month", size.month().name());
      month.put("interactionsEstimate", size.interactionsEstimate());
      month.put("copiesEstimate", size.copiesEstimate());
      month.put("bytes", size.bytes());
      months.add(month);
    }
    answer.put("months", months);
    CallMonthsPass.Round round = pass.lastRound();
    if (round == null) {
      answer.put("lastRound", null);
    } else {
      Map<String, Object> last = new LinkedHashMap<>();
      last.put("at", round.at().toString());
      last.put("cutoff", round.cutoff() == null ? null : round.cutoff().toString());
      last.put("made", round.made());
      List<Map<String, Object>> dropped = new ArrayList<>();
      for (CallMonths.Dropped gone : round.dropped()) {
        dropped.add(Map.of("month", gone.month().name(), "interactions", gone.interactions(), "copies",
            gone.copies()));
      }
      last.put("dropped", dropped);
      last.put("kept", round.kept());
      answer.put("lastRound", last);
    }
    JsonAnswers.json(ctx, 200, answer);
  }
}
