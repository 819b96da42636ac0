package io.hyrelog;

import java.util.Locale;

/**
 * Where a company's data lives. Each region has its own database; a company's region picks it,
 * and API keys name their region so lookups never fan out across regions.
 */
public enum DataRegion {
  /** The United States. */
  US,
  /** The European Union. */
  EU,
  /** The United Kingdom. */
  UK,
  /** Australia. */
  AU;

  /**
   * The lowercase code used in API-key prefixes ({@code hlk_us_…}).
   *
   * @return the code, e.g. {@code eu}
   */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a region name or code, case-insensitively.
   *
   * @param text a region's name or code, e.g. {@code EU} or {@code eu}
   * @return the region
   * @throws IllegalArgumentException naming the accepted values when {@code text} is not one
   */
  public static DataRegion parse(String text) {
    if (text != null) {
      for (DataRegion r : values()) {
        if (r.name().equalsIgnoreCase(text.strip())) {
          return r;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown data region '" + text + "'; expected one of US, EU, UK, AU");
  }
}
