/**
 * The cold tier's restore requests: the {@link io.hyrelog.lifecycle.RestoreStatus} state machine
 * (the seed's PENDING → APPROVED → INITIATING → IN_PROGRESS → COMPLETED → EXPIRED, plus
 * REJECTED, CANCELLED and FAILED), the {@link io.hyrelog.lifecycle.RestoreRequest} value whose
 * every change goes through that table, and the {@link io.hyrelog.lifecycle.RestorePolicy}
 * (which plans may restore with which tier, for how many days, at what estimated cost).
 *
 * <p>Everything here is a pure value: time comes in as arguments, so the workflow is tested on a
 * virtual clock and stores decide how a change is made durable (race-safe, conditional on the
 * status read).
 */
package io.hyrelog.lifecycle;
