package io.hyrelog.jobs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The job types a process knows, in registration order. Immutable and thread-safe. */
public final class JobRegistry {
  private final Map<String, JobDefinition> byType;

  private JobRegistry(Map<String, JobDefinition> byType) {
    this.byType = Collections.unmodifiableMap(byType);
  }

  /**
   * Starts an empty registry.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The definition of {@code type}, if registered.
   *
   * @param type the job type
   * @return the definition, or empty
   */
  public Optional<JobDefinition> find(String type) {
    return Optional.ofNullable(byType.get(Objects.requireNonNull(type, "type")));
  }

  /**
   * Every definition, in registration order.
   *
   * @return the definitions
   */
  public List<JobDefinition> all() {
    return List.copyOf(byType.values());
  }

  /**
   * The definitions that have a schedule.
   *
   * @return the scheduled definitions, in registration order
   */
  public List<JobDefinition> scheduled() {
    List<JobDefinition> out = new ArrayList<>();
    for (JobDefinition d : byType.values()) {
      if (d.policy().schedule().isPresent()) {
        out.add(d);
      }
    }
    return out;
  }

  /**
   * The number of registered definitions.
   *
   * @return the count
   */
  public int size() {
    return byType.size();
  }

  @Override
  public String toString() {
    return "JobRegistry" + byType.keySet();
  }

  /** Builder of {@link JobRegistry}; not thread-safe. */
  public static final class Builder {
    private final Map<String, JobDefinition> byType = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Registers a definition.
     *
     * @param d the definition
     * @return this builder
     * @throws IllegalArgumentException when its type is already registered
     */
    public Builder add(JobDefinition d) {
      Objects.requireNonNull(d, "definition");
      if (byType.putIfAbsent(d.type(), d) != null) {
        throw new IllegalArgumentException("job type " + d.type() + " is registered twice");
      }
      return this;
    }

    /**
     * Builds the registry.
     *
     * @return an immutable registry
     */
    public JobRegistry build() {
      return new JobRegistry(new LinkedHashMap<>(byType));
    }
  }
}
