/**
 * The load drivers' shared harness, so each driver keeps only its scenario: {@link
 * io.hyrelog.benchmarks.support.Arguments} (command line and exit codes), {@link
 * io.hyrelog.benchmarks.support.LoadWindow} (threads through a warm-up and a measured window)
 * with {@link io.hyrelog.benchmarks.support.Latencies} (exact, nearest-rank percentiles),
 * {@link io.hyrelog.benchmarks.support.CpuMeter}, {@link io.hyrelog.benchmarks.support.Machine}
 * and {@link io.hyrelog.benchmarks.support.Sockets} (what else a window cost), {@link
 * io.hyrelog.benchmarks.support.Markdown} (the reports), {@link
 * io.hyrelog.benchmarks.support.ServerProcess} (the server jar as a process) and {@link
 * io.hyrelog.benchmarks.support.PostgresCluster} with {@link
 * io.hyrelog.benchmarks.support.RawRows} (the database and the baselines' raw rows).
 */
package io.hyrelog.benchmarks.support;
