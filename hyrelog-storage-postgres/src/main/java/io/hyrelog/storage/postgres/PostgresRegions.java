package io.hyrelog.storage.postgres;

import io.hyrelog.ApiKeyToken;
import io.hyrelog.DataRegion;
import io.hyrelog.HyrelogException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * One event store per data region, each on its own database. A company's region picks its
 * store; an API key names its region in its prefix ({@link ApiKeyToken}), so resolving a key
 * touches exactly one region's database. Thread-safe. Closing it closes every store.
 */
public final class PostgresRegions implements AutoCloseable {
  private final Map<DataRegion, PostgresEventStore> stores;

  private PostgresRegions(Map<DataRegion, PostgresEventStore> stores) {
    this.stores = Collections.unmodifiableMap(stores);
  }

  /**
   * Starts an empty set of regions.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The regions that have a database.
   *
   * @return the regions, unmodifiable
   */
  public Set<DataRegion> regions() {
    return stores.keySet();
  }

  /**
   * The store of a region.
   *
   * @param region the region
   * @return its store
   * @throws HyrelogException when no database is configured for it
   */
  public PostgresEventStore store(DataRegion region) {
    PostgresEventStore s = stores.get(Objects.requireNonNull(region, "region"));
    if (s == null) {
      throw new HyrelogException("no database is configured for region " + region
          + " (configured: " + stores.keySet() + ")");
    }
    return s;
  }

  /**
   * The store that holds the data of the key's company.
   *
   * @param key the API key
   * @return the store of its region
   */
  public PostgresEventStore storeFor(ApiKeyToken key) {
    return store(key.region());
  }

  @Override
  public void close() {
    stores.values().forEach(PostgresEventStore::close);
  }

  /** Builder of {@link PostgresRegions}; not thread-safe. */
  public static final class Builder {
    private final Map<DataRegion, DataSource> sources = new EnumMap<>(DataRegion.class);
    private final Map<DataRegion, DataSource> writerSources = new EnumMap<>(DataRegion.class);
    private UnaryOperator<PostgresEventStore.Builder> options = b -> b;

    private Builder() {}

    /**
     * The database of one region.
     *
     * @param region the region
     * @param dataSource its database, for reads and writes
     * @return this builder
     */
    public Builder region(DataRegion region, DataSource dataSource) {
      Objects.requireNonNull(region, "region");
      Objects.requireNonNull(dataSource, "dataSource");
      if (sources.putIfAbsent(region, dataSource) != null) {
        throw new IllegalArgumentException("region " + region + " is configured twice");
      }
      return this;
    }

    /**
     * The database of one region, with connections of their own for the store's writers
     * ({@link PostgresEventStore.Builder#writerDataSource}).
     *
     * @param region the region
     * @param reads its database, for reads
     * @param writers its database, for the writers
     * @return this builder
     */
    public Builder region(DataRegion region, DataSource reads, DataSource writers) {
      Objects.requireNonNull(writers, "writers");
      region(region, reads);
      writerSources.put(region, writers);
      return this;
    }

    /**
     * Settings applied to every region's store builder.
     *
     * @param options changes each region's store builder
     * @return this builder
     */
    public Builder storeOptions(UnaryOperator<PostgresEventStore.Builder> options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Builds a store per region (checking each database's durability settings).
     *
     * @return the regions; close it to close every store
     */
    public PostgresRegions build() {
      if (sources.isEmpty()) {
        throw new IllegalArgumentException("configure at least one region's database");
      }
      Map<DataRegion, PostgresEventStore> stores = new EnumMap<>(DataRegion.class);
      try {
        for (Map.Entry<DataRegion, DataSource> e : sources.entrySet()) {
          PostgresEventStore.Builder b = PostgresEventStore.builder(e.getValue());
          DataSource writers = writerSources.get(e.getKey());
          if (writers != null) {
            b.writerDataSource(writers);
          }
          stores.put(e.getKey(), options.apply(b).build());
        }
      } catch (RuntimeException e) {
        stores.values().forEach(PostgresEventStore::close);
        throw e;
      }
      return new PostgresRegions(stores);
    }
  }
}
