package io.hyrelog.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * What a handler knows about the run it performs.
 *
 * @param runId the id of this attempt's run record
 * @param type the job type
 * @param input the validated input (an object, possibly empty); copied
 * @param asOf the instant the run is for: a scheduled run's due time, or the time an operator
 *     gave; handlers compute cutoffs from it, never from the wall clock
 * @param trigger why it runs
 * @param attempt 1 for the first attempt, then 2, 3, … up to the policy's maximum
 * @param clock the injected clock, for timestamps the job writes
 * @param partition the opaque name of the partition it runs for (the example server runs one
 *     scheduler per region database, so this is the region, e.g. {@code US})
 */
public record JobContext(UUID runId, String type, ObjectNode input, Instant asOf,
    JobTrigger trigger, int attempt, Clock clock, String partition) {
  /**
   * Validates the context and copies the input.
   *
   * @param runId the id of this attempt's run record
   * @param type the job type
   * @param input the validated input (an object, possibly empty); copied
   * @param asOf the instant the run is for: a scheduled run's due time, or the time an operator
   *     gave; handlers compute cutoffs from it, never from the wall clock
   * @param trigger why it runs
   * @param attempt 1 for the first attempt, then 2, 3, … up to the policy's maximum
   * @param clock the injected clock, for timestamps the job writes
   * @param partition the opaque name of the partition it runs for (the example server runs one
   *     scheduler per region database, so this is the region, e.g. {@code US})
   */
  public JobContext {
    Objects.requireNonNull(runId, "runId");
    JobDefinition.requireType(type);
    input = input == null ? JsonNodeFactory.instance.objectNode() : input.deepCopy();
    Objects.requireNonNull(asOf, "asOf");
    Objects.requireNonNull(trigger, "trigger");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
    }
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(partition, "partition");
  }

  /**
   * The run's input, as a copy.
   *
   * @return a deep copy of the input object
   */
  @Override
  public ObjectNode input() {
    return input.deepCopy();
  }

  /**
   * The input property {@code name}, or a missing node.
   *
   * @param name the property's name
   * @return its value, or a missing node
   */
  public JsonNode param(String name) {
    return input.path(name);
  }

  /**
   * Whether the run should stop now (its thread was interrupted, e.g. by a timeout).
   *
   * @return true when the run should stop
   */
  public boolean cancelled() {
    return Thread.currentThread().isInterrupted();
  }
}
