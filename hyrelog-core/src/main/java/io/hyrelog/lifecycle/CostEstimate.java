package io.hyrelog.lifecycle;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An estimated amount of money: a non-negative decimal (never a floating-point number) and an
 * ISO 4217 currency code.
 *
 * @param amount the amount, in units of the currency
 * @param currency the ISO 4217 currency code, e.g. {@code USD}
 */
public record CostEstimate(BigDecimal amount, String currency) {
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

  /**
   * Validates the estimate.
   *
   * @param amount the amount, in units of the currency
   * @param currency the ISO 4217 currency code, e.g. {@code USD}
   */
  public CostEstimate {
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(currency, "currency");
    if (amount.signum() < 0) {
      throw new IllegalArgumentException("a cost estimate is >= 0, got " + amount);
    }
    if (!CURRENCY.matcher(currency).matches()) {
      throw new IllegalArgumentException("currency must be an ISO 4217 code such as USD, got '"
          + currency + "'");
    }
  }

  /**
   * The amount as plain text ({@code 0.010050}), never in exponent notation.
   *
   * @return the amount's text
   */
  public String amountText() {
    return amount.toPlainString();
  }
}
