package io.hyrelog.jobs;

import java.time.Duration;
import java.time.LocalTime;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * When a recurring job runs: daily at a UTC time, at a fixed interval, or by a cron expression.
 * A value; the runner translates it to its scheduler's own schedule type.
 */
public sealed interface JobSchedule {
  /**
   * A human-readable form, e.g. {@code daily 02:30 UTC}, {@code every PT15M}.
   *
   * @return the description
   */
  String describe();

  /**
   * Every day at {@code time} (UTC).
   *
   * @param time the time of day, UTC
   * @return the schedule
   */
  static JobSchedule dailyUtc(LocalTime time) {
    return new Daily(time);
  }

  /**
   * Every {@code interval}, measured from the end of the previous run.
   *
   * @param interval the interval, at least one second
   * @return the schedule
   */
  static JobSchedule every(Duration interval) {
    return new Every(interval);
  }

  /**
   * By a six-field cron expression (second, minute, hour, day of month, month, day of week),
   * evaluated in UTC, e.g. {@code 0 15 3 * * *} for 03:15:00 every day.
   *
   * @param expression the cron expression
   * @return the schedule
   */
  static JobSchedule cron(String expression) {
    return new Cron(expression);
  }

  /**
   * Every day at {@code utcTime}.
   *
   * @param utcTime the time of day, UTC
   */
  record Daily(LocalTime utcTime) implements JobSchedule {
    /**
     * Validates the time.
     *
     * @param utcTime the time of day, UTC
     */
    public Daily {
      Objects.requireNonNull(utcTime, "utcTime");
    }

    @Override
    public String describe() {
      return "daily " + utcTime + " UTC";
    }
  }

  /**
   * Every {@code interval} (at least one second) after the previous run ends.
   *
   * @param interval the time between the end of one run and the start of the next
   */
  record Every(Duration interval) implements JobSchedule {
    /**
     * Validates the interval.
     *
     * @param interval the time between the end of one run and the start of the next
     * @throws IllegalArgumentException when the interval is under one second
     */
    public Every {
      Objects.requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("interval must be at least 1 second, got "
            + interval);
      }
    }

    @Override
    public String describe() {
      return "every " + interval;
    }
  }

  /**
   * A six-field cron expression in UTC.
   *
   * @param expression six fields: second, minute, hour, day of month, month, day of week
   */
  record Cron(String expression) implements JobSchedule {
    private static final Pattern FIELD = Pattern.compile("[0-9A-Za-z*?/,#\\-]{1,64}");

    /**
     * Validates the expression.
     *
     * @param expression six fields: second, minute, hour, day of month, month, day of week
     * @throws IllegalArgumentException when it is not a six-field cron expression
     */
    public Cron {
      Objects.requireNonNull(expression, "expression");
      String[] fields = expression.strip().split("\\s+");
      if (fields.length != 6) {
        throw new IllegalArgumentException("a cron expression has six fields (second minute"
            + " hour day-of-month month day-of-week), got " + fields.length + " in '"
            + expression + "'");
      }
      for (String f : fields) {
        if (!FIELD.matcher(f).matches()) {
          throw new IllegalArgumentException("cron field '" + f + "' holds characters other"
              + " than digits, letters and * ? / , # -");
        }
      }
      expression = String.join(" ", fields);
    }

    @Override
    public String describe() {
      return "cron " + expression + " UTC";
    }
  }
}
