package io.hyrelog.jobs;

import io.hyrelog.HyrelogException;
import io.hyrelog.ProblemList;
import java.util.List;

/** A job was asked to run with input its schema rejects; nothing ran. */
public final class InvalidJobInputException extends HyrelogException {
  private static final long serialVersionUID = 1L;
  private final transient List<JobInputSchema.Violation> violations;
  /** How many violations there were in all. */
  private final long violationCount;

  /**
   * @param violations what {@link JobInputSchema#validate} found; not empty
   * @param type the job type
   */
  public InvalidJobInputException(String type, ProblemList<JobInputSchema.Violation> violations) {
    super("input of job " + type + " is invalid: " + violations.total() + " problem"
        + (violations.total() == 1 ? "" : "s") + " (first: "
        + (violations.isEmpty() ? "none" : violations.kept().get(0).pointer() + " "
            + violations.kept().get(0).message()) + ")");
    this.violations = List.copyOf(violations.kept());
    this.violationCount = violations.total();
  }

  /**
   * The first violations (at most the list's limit), in field order.
   *
   * @return the violations, unmodifiable
   */
  public List<JobInputSchema.Violation> violations() {
    return violations;
  }

  /**
   * How many violations there were in all.
   *
   * @return the total count
   */
  public long violationCount() {
    return violationCount;
  }
}
