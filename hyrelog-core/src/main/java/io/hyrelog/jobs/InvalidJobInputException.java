package io.hyrelog.jobs;

import io.hyrelog.HyrelogException;
import java.util.List;

/** A job was asked to run with input its schema rejects; nothing ran. */
public final class InvalidJobInputException extends HyrelogException {
  private static final long serialVersionUID = 1L;
  private final transient List<JobInputSchema.Violation> violations;

  public InvalidJobInputException(String type, List<JobInputSchema.Violation> violations) {
    super("input of job " + type + " is invalid: " + violations.size() + " problem"
        + (violations.size() == 1 ? "" : "s") + " (first: "
        + (violations.isEmpty() ? "none" : violations.get(0).pointer() + " "
            + violations.get(0).message()) + ")");
    this.violations = List.copyOf(violations);
  }

  public List<JobInputSchema.Violation> violations() {
    return violations;
  }
}
