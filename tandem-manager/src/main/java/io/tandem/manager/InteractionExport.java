package io.tandem.manager;

import io.javalin.http.Context;
import io.tandem.audit.AuditEntry;
import io.tandem.database.CallDatabase;
import io.tandem.database.InteractionPage;
import io.tandem.database.InteractionView;
import io.tandem.json.Json;
import io.tandem.replay.CopyReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * {@code GET /api/interactions/export.zip}: the interactions a search finds (the same filters, cursor and order as
 * {@code GET /api/interactions}, at most {@value ApiOperations#EXPORT_MAX}) as one ZIP streamed as it is written.
 * It holds the WAV of each one's best readable copy, read as replay reads it, then {@code manifest.json} (per
 * interaction: id, start, end, participants, and the INUM, file, bytes and SHA-256 served, or the reason no copy
 * could be read) and {@code SHA256SUMS} for {@code sha256sum -c}. A bad filter is refused with 400 before anything is
 * sent; one unreadable interaction never fails the others. The request and each interaction served are audited as
 * replay is, before their bytes are sent. Thread-safe.
 */
final class InteractionExport {
  static final int DEFAULT_LIMIT = 100;
  static final String MANIFEST = "manifest.json";
  static final String CHECKSUMS = "SHA256SUMS";

  private final CallDatabase database;
  private final CopyReader reader;

  InteractionExport(CallDatabase database, CopyReader reader) {
    this.database = database;
    this.reader = reader;
  }

  void export(Context ctx) throws Exception {
    InteractionPage page = database.search(SearchParameters.read(ctx, DEFAULT_LIMIT, ApiOperations.EXPORT_MAX));
    String actor = AccessApi.principal(ctx).actor();
    String query = ctx.queryString() == null ? "" : ctx.queryString();
    database.audit(new AuditEntry(actor, "export", "interactions", "a ZIP of " + page.interactions().size()
        + " found by '" + query + "'", "requested"));
    page.next().ifPresent(cursor -> ctx.header(RecorderManager.NEXT_CURSOR, cursor.text()));
    ctx.status(200).contentType("application/zip")
        .header("Content-Disposition", "attachment; filename=\"interactions.zip\"");
    Path spoolDirectory = Files.createTempDirectory("tandem-export-");
    try (ZipOutputStream zip = new ZipOutputStream(ctx.outputStream(), StandardCharsets.UTF_8)) {
      List<Map<String, Object>> listed = new ArrayList<>();
      StringBuilder sums = new StringBuilder();
      for (InteractionView interaction : page.interactions()) {
        listed.add(add(zip, interaction, actor, page.interactions().size(), spoolDirectory, sums));
      }
      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("query", query);
      manifest.put("count", listed.size());
      manifest.put("nextCursor", page.next().map(cursor -> cursor.text()).orElse(null));
      manifest.put("interactions", listed);
      entry(zip, MANIFEST, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
      entry(zip, CHECKSUMS, sums.toString().getBytes(StandardCharsets.UTF_8));
    } finally {
      removeSpools(spoolDirectory);
    }
  }

  /** Removes the spool directory with any copy an interrupted export left in it. */
  private static void removeSpools(Path directory) throws IOException {
    try (var left = Files.list(directory)) {
      for (Path spool : left.toList()) {
        Files.deleteIfExists(spool);
      }
    }
    Files.deleteIfExists(directory);
  }

  /** Adds the interaction's best readable copy to the ZIP and returns its manifest line. */
  private Map<String, Object> add(ZipOutputStream zip, InteractionView interaction, String actor, int count,
      Path spoolDirectory, StringBuilder sums) throws Exception {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("id", interaction.id());
    line.put("correlationKey", interaction.correlationKey());
    line.put("start", interaction.start());
    line.put("end", interaction.end());
    line.put("participants", interaction.participants() == null ? List.of() : interaction.participants());
    CopyReader.Outcome outcome = reader.read(database.copySources(interaction.id()), spoolDirectory);
    if (outcome.copy().isEmpty()) {
      line.put("reason", outcome.missed().isEmpty() ? "no marked copy" : "no copy can be read now: "
          + String.join("; ", outcome.missed()));
      return line;
    }
    try (CopyReader.ReadCopy copy = outcome.copy().get()) {
      String file = "interaction-" + interaction.id() + "-" + copy.inum() + ".wav";
      database.audit(new AuditEntry(actor, "replay", "interaction " + interaction.id(), "copy " + copy.inum()
          + " in a ZIP export of " + count, "served"));
      // PCM barely deflates and deflating costs a core: the WAVs are stored as they are.
      ZipEntry entry = new ZipEntry(file);
      entry.setMethod(ZipEntry.STORED);
      entry.setSize(copy.bytes());
      entry.setCompressedSize(copy.bytes());
      entry.setCrc(copy.crc32());
      zip.putNextEntry(entry);
      Files.copy(copy.spool(), zip);
      zip.closeEntry();
      line.put("inum", copy.inum().toString());
      line.put("file", file);
      line.put("bytes", copy.bytes());
      line.put("sha256", copy.sha256());
      sums.append(copy.sha256()).append("  ").append(file).append('\n');
    }
    return line;
  }

  private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(bytes);
    zip.closeEntry();
  }
}
