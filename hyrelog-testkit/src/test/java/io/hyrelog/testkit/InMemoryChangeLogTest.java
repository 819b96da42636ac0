package io.hyrelog.testkit;

import io.hyrelog.spi.ChangeLog;

/** {@link InMemoryChangeLog} passes the change log's contract. */
class InMemoryChangeLogTest extends ChangeLogContract {
  @Override
  protected ChangeLog createChangeLog() {
    return new InMemoryChangeLog();
  }
}
