package io.tandem.manager;

import io.tandem.database.InteractionView;
import java.util.List;

/** The console's HTML page: pairs with roles and health, and the most recent interactions with media links. */
final class ConsolePage {
  private ConsolePage() {}

  static String render(List<PairStatus> pairs, List<InteractionView> recent) {
    StringBuilder html = new StringBuilder(4096);
    html.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Tandem Recorder Manager</title>")
        .append("<style>body{font-family:sans-serif}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:2px 6px}</style></head><body>\n")
        .append("<h1>Tandem Recorder Manager</h1>\n<h2>Pairs</h2>\n");
    for (PairStatus pair : pairs) {
      html.append("<h3>").append(escape(pair.name())).append(" &middot; epoch ").append(pair.epoch())
          .append(" &middot; rollback window ").append(pair.rollbackWindowSeconds()).append(" s</h3>\n")
          .append("<table><tr><th>serial</th><th>position</th><th>role</th><th>health</th><th>admin</th>")
          .append("<th>SIP</th></tr>\n");
      for (RecorderStatus recorder : pair.recorders()) {
        html.append("<tr><td>").append(recorder.serial()).append("</td><td>").append(recorder.position())
            .append("</td><td>").append(recorder.role()).append("</td><td>")
            .append(recorder.healthy() ? "healthy" : "unhealthy").append("</td><td>")
            .append(escape(recorder.adminUrl())).append("</td><td>").append(escape(recorder.sipAddress()))
            .append("</td></tr>\n");
      }
      html.append("</table>\n");
    }
    html.append("<h2>Recent interactions</h2>\n<table><tr><th>id</th><th>correlation key</th><th>start</th>")
        .append("<th>end</th><th>copies</th><th>best copy</th></tr>\n");
    for (InteractionView interaction : recent) {
      html.append("<tr><td>").append(interaction.id()).append("</td><td>")
          .append(escape(interaction.correlationKey())).append("</td><td>").append(interaction.start())
          .append("</td><td>").append(interaction.end() == null ? "" : interaction.end()).append("</td><td>")
          .append(interaction.copies().size()).append("</td><td>");
      if (interaction.bestInum() != null) {
        html.append("<a href=\"/api/interactions/").append(interaction.id()).append("/media\">")
            .append(interaction.bestInum()).append("</a>");
      }
      html.append("</td></tr>\n");
    }
    return html.append("</table>\n</body></html>\n").toString();
  }

  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder escaped = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '&' -> escaped.append("&amp;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }
}
