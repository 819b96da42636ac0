/**
 * The execution of personal-data requests ({@link io.hyrelog.personal.worker.GdprWorker}, the
 * body of the {@code gdpr.erase} job): apart from {@link io.hyrelog.personal} because it works
 * through the ports of {@link io.hyrelog.spi}, which name the request types.
 */
package io.hyrelog.personal.worker;
