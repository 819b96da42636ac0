package io.hyrelog.export;

import java.util.ArrayList;
import java.util.List;

/**
 * A strict RFC 4180 reader for tests (CRLF records, quoted fields): anything else fails. Shipped
 * in the core test jar for other modules' tests.
 */
public final class Rfc4180Reader {
  private Rfc4180Reader() {}

  /** The records of {@code s}, each a list of its fields. */
  public static List<List<String>> parse(String s) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '"' && f.length() == 0) {
        i++;
        while (true) {
          char d = s.charAt(i);
          if (d == '"') {
            if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
              f.append('"');
              i += 2;
              continue;
            }
            i++;
            break;
          }
          f.append(d);
          i++;
        }
        continue;
      }
      if (c == ',') {
        row.add(f.toString());
        f.setLength(0);
        i++;
      } else if (c == '\r' && s.charAt(i + 1) == '\n') {
        row.add(f.toString());
        f.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
        i += 2;
      } else if (c == '"' || c == '\r' || c == '\n') {
        throw new IllegalArgumentException("unquoted " + (int) c + " at " + i);
      } else {
        f.append(c);
        i++;
      }
    }
    if (!row.isEmpty() || f.length() > 0) {
      throw new IllegalArgumentException("last record not ended by CRLF");
    }
    return rows;
  }
}
