package io.hyrelog.jobs;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One job type: its name, what it does, the input it accepts, its policy and its handler.
 *
 * @param type the name, lowercase dot-separated words such as {@code retention.mark} (at most
 *     64 characters; a scheduler uses it as its task name)
 * @param description one sentence for operators
 * @param schema the input it accepts; a scheduled job must accept the empty input
 * @param policy attempts, timeout, retry delay and schedule
 * @param handler the work
 */
public record JobDefinition(String type, String description, JobInputSchema schema,
    JobPolicy policy, JobHandler handler) {
  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

  /**
   * Validates the definition.
   *
   * @param type the name, lowercase dot-separated words such as {@code retention.mark} (at most
   *     64 characters; a scheduler uses it as its task name)
   * @param description one sentence for operators
   * @param schema the input it accepts; a scheduled job must accept the empty input
   * @param policy attempts, timeout, retry delay and schedule
   * @param handler the work
   */
  public JobDefinition {
    requireType(type);
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(handler, "handler");
    if (policy.schedule().isPresent() && !schema.required().isEmpty()) {
      throw new IllegalArgumentException("job " + type + " has a schedule, so it must run"
          + " without input, but requires " + schema.required());
    }
  }

  /**
   * Checks a job type name.
   *
   * @param type the name to check
   * @return the name
   * @throws IllegalArgumentException when it is not lowercase dot-separated words of at most 64
   *     characters
   */
  public static String requireType(String type) {
    Objects.requireNonNull(type, "type");
    if (type.length() > 64 || !TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException("a job type is lowercase dot-separated words (a-z, 0-9,"
          + " _) of at most 64 characters, e.g. retention.mark; got '"
          + (type.length() > 64 ? type.substring(0, 64) + "…" : type) + "'");
    }
    return type;
  }

  /**
   * A copy with another handler (e.g. the one bound to a region's database).
   *
   * @param h the handler
   * @return the copy
   */
  public JobDefinition withHandler(JobHandler h) {
    return new JobDefinition(type, description, schema, policy, h);
  }
}
