package io.hyrelog.jobs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * What a successful run reports: a JSON object stored with the run and returned by the
 * operators' API (e.g. counts, or the ids and paths of what the job produced).
 *
 * @param summary the summary; copied
 */
public record JobResult(ObjectNode summary) {
  /**
   * Copies the summary.
   *
   * @param summary the summary; copied
   */
  public JobResult {
    Objects.requireNonNull(summary, "summary");
    summary = summary.deepCopy();
  }

  /**
   * A result with an empty summary.
   *
   * @return the result
   */
  public static JobResult empty() {
    return new JobResult(JsonNodeFactory.instance.objectNode());
  }

  /**
   * A result with {@code summary}.
   *
   * @param summary the summary, copied
   * @return the result
   */
  public static JobResult of(ObjectNode summary) {
    return new JobResult(summary);
  }

  /**
   * The summary, as a copy.
   *
   * @return a deep copy of the summary
   */
  @Override
  public ObjectNode summary() {
    return summary.deepCopy();
  }
}
