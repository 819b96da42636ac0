package io.hyrelog.server.internal;

import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.HyrelogException;
import io.hyrelog.spi.ArchiveStore;
import io.hyrelog.storage.postgres.PostgresEventStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data regions this server serves, each a {@link Region}; a company's data lives in its
 * region's ({@link #of(Company)}). Built once by the composition root, it owns each region's
 * pools, event store and archive store, and closes them in reverse order of opening: archive
 * store, event store (draining queued appends), pools. Iterates in region order. Thread-safe.
 */
public final class Regions implements AutoCloseable, Iterable<Region> {
  private static final Logger LOG = LoggerFactory.getLogger(Regions.class);
  private final Map<DataRegion, Region> regions;
  private final List<AutoCloseable> owned;

  private Regions(Map<DataRegion, Region> regions, List<AutoCloseable> owned) {
    this.regions = Collections.unmodifiableMap(regions);
    this.owned = owned;
  }

  /**
   * Opens a region on each set of pools, taking them over: its event store ({@code
   * storeOptions} applied to each store's builder, writers on the writers' pool) and archive
   * store ({@code objects}, called once per region), and the library objects on them, archival
   * sealing personal values under subject keys sealed with {@code subjectKeyHex}. On a failure
   * closes everything it took over or opened.
   */
  public static Regions open(Map<DataRegion, Region.Pools> pools,
      UnaryOperator<PostgresEventStore.Builder> storeOptions,
      BiFunction<DataRegion, Clock, ArchiveStore> objects, String subjectKeyHex, Clock clock) {
    if (pools.isEmpty()) {
      throw new IllegalArgumentException("serve at least one region");
    }
    Map<DataRegion, Region> out = new EnumMap<>(DataRegion.class);
    List<AutoCloseable> owned = new ArrayList<>();
    try {
      pools.values().forEach(p -> owned.addAll(p.closeables()));
      pools.forEach((r, p) -> {
        PostgresEventStore store = storeOptions.apply(PostgresEventStore.builder(p.api())
            .writerDataSource(p.writes())).build();
        owned.add(store);
        ArchiveStore o = objects.apply(r, clock);
        if (o instanceof AutoCloseable c) {
          owned.add(c);
        }
        out.put(r, new Region(r, p, store, o, subjectKeyHex, clock));
      });
    } catch (RuntimeException e) {
      closeAll(owned);
      throw e;
    }
    return new Regions(out, owned);
  }

  /** The served regions' ids. */
  public Set<DataRegion> ids() {
    return regions.keySet();
  }

  public Collection<Region> all() {
    return regions.values();
  }

  @Override
  public java.util.Iterator<Region> iterator() {
    return regions.values().iterator();
  }

  /** The first served region: the embedded database's, and the home of deployment-wide data. */
  public Region first() {
    return regions.values().iterator().next();
  }

  public boolean serves(DataRegion r) {
    return regions.containsKey(r);
  }

  /**
   * The region {@code r}.
   *
   * @throws HyrelogException when this server has no database for it
   */
  public Region get(DataRegion r) {
    Region region = regions.get(Objects.requireNonNull(r, "region"));
    if (region == null) {
      throw new HyrelogException("no database is configured for region " + r
          + " (configured: " + regions.keySet() + ")");
    }
    return region;
  }

  /** The region that holds {@code company}'s data. */
  public Region of(Company company) {
    return get(company.region());
  }

  /**
   * One value per region, for code that takes a per-region map (the composition root's
   * wiring of workflows that span regions).
   */
  public <T> Map<DataRegion, T> map(Function<Region, ? extends T> f) {
    Map<DataRegion, T> out = new EnumMap<>(DataRegion.class);
    regions.forEach((r, region) -> out.put(r, f.apply(region)));
    return Collections.unmodifiableMap(out);
  }

  @Override
  public void close() {
    closeAll(owned);
  }

  private static void closeAll(List<AutoCloseable> owned) {
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (Exception e) {
        LOG.warn("failed to close {}: {}", owned.get(i), e.toString());
      }
    }
    owned.clear();
  }

  @Override
  public String toString() {
    return "Regions" + regions.keySet();
  }
}
