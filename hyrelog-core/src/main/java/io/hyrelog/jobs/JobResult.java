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
  public JobResult {
    Objects.requireNonNull(summary, "summary");
    summary = summary.deepCopy();
  }

  /** A result with an empty summary. */
  public static JobResult empty() {
    return new JobResult(JsonNodeFactory.instance.objectNode());
  }

  /** A result with {@code summary}. */
  public static JobResult of(ObjectNode summary) {
    return new JobResult(summary);
  }

  @Override
  public ObjectNode summary() {
    return summary.deepCopy();
  }
}
