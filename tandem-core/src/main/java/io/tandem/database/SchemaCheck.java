package io.tandem.database;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.jar.JarEntry;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import javax.sql.DataSource;

/**
 * Whether the call database's schema is at the newest migration this build holds, told without Flyway: every
 * versioned migration on the class path ({@code db/migration/V<version>__<description>.sql}) is in Flyway's
 * history as applied, under the same description and with the checksum Flyway gives its text (the CRC32 of its
 * lines), and the history holds no other migration and none that failed. Flyway takes about half a second of CPU
 * at every start to find, read and validate the same; when anything differs or cannot be read, the answer is no
 * and Flyway runs, validates and migrates as ever. Stateless.
 */
final class SchemaCheck {
  static final String LOCATION = "db/migration";
  private static final Pattern VERSIONED = Pattern.compile("V([0-9]+(?:[._][0-9]+)*)__(.+)\\.sql");
  private static final String HISTORY =
      "SELECT version, description, type, checksum, success FROM flyway_schema_history";

  /** A versioned migration as Flyway records it. */
  record Migration(String version, String description, int checksum) {}

  private SchemaCheck() {}

  /**
   * Whether the schema of {@code dataSource} is up to date with the migrations {@code loader} finds; false as well
   * when the history or the migrations cannot be read.
   */
  static boolean upToDate(DataSource dataSource, ClassLoader loader) {
    Map<String, Migration> held;
    try {
      held = onClassPath(loader);
    } catch (IOException | URISyntaxException | RuntimeException e) {
      return false;
    }
    if (held.isEmpty()) {
      return false;
    }
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(HISTORY)) {
      Map<String, Migration> applied = new HashMap<>();
      while (rows.next()) {
        String version = rows.getString(1);
        int checksum = rows.getInt(4);
        boolean noChecksum = rows.wasNull();
        if (version == null || !"SQL".equals(rows.getString(3)) || noChecksum || !rows.getBoolean(5)) {
          return false;
        }
        applied.put(version, new Migration(version, rows.getString(2), checksum));
      }
      return applied.equals(held);
    } catch (SQLException e) {
      return false;
    }
  }

  /** The versioned migrations {@code loader} finds under {@link #LOCATION}, by version. */
  static Map<String, Migration> onClassPath(ClassLoader loader) throws IOException, URISyntaxException {
    Map<String, Migration> found = new HashMap<>();
    for (URL folder : Collections.list(loader.getResources(LOCATION))) {
      for (String name : fileNames(folder)) {
        Matcher versioned = VERSIONED.matcher(name);
        if (!versioned.matches()) {
          continue;
        }
        Migration migration;
        try (InputStream text = Objects.requireNonNull(loader.getResourceAsStream(LOCATION + "/" + name), name)) {
          migration = new Migration(versioned.group(1).replace('_', '.'), versioned.group(2).replace('_', ' '),
              checksum(new InputStreamReader(text, StandardCharsets.UTF_8)));
        }
        Migration before = found.putIfAbsent(migration.version(), migration);
        if (before != null && !before.equals(migration)) {
          throw new IllegalStateException("two migrations of version " + migration.version());
        }
      }
    }
    return found;
  }

  /** The file names in one folder of the class path, a directory or a folder of a jar. */
  private static List<String> fileNames(URL folder) throws IOException, URISyntaxException {
    List<String> names = new ArrayList<>();
    switch (folder.getProtocol()) {
      case "file" -> {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(Path.of(folder.toURI()))) {
          files.forEach(file -> names.add(file.getFileName().toString()));
        }
      }
      case "jar" -> {
        // The class loader's own open jar: not closed here.
        JarURLConnection jar = (JarURLConnection) folder.openConnection();
        String prefix = jar.getEntryName() + "/";
        for (JarEntry entry : Collections.list(jar.getJarFile().entries())) {
          String rest = entry.getName().startsWith(prefix) ? entry.getName().substring(prefix.length()) : "";
          if (!rest.isEmpty() && !rest.contains("/")) {
            names.add(rest);
          }
        }
      }
      default -> throw new IOException("migrations in a " + folder.getProtocol() + " location are left to Flyway");
    }
    return names;
  }

  /**
   * The checksum Flyway records for a migration's text: a CRC32 of each line's UTF-8 bytes, without its line break
   * and without a byte order mark at its start, as a signed int.
   */
  static int checksum(Reader text) throws IOException {
    CRC32 crc = new CRC32();
    try (BufferedReader lines = new BufferedReader(text, 4096)) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        String withoutMark = line.startsWith("\uFEFF") ? line.substring(1) : line;
        crc.update(withoutMark.getBytes(StandardCharsets.UTF_8));
      }
    }
    return (int) crc.getValue();
  }
}
