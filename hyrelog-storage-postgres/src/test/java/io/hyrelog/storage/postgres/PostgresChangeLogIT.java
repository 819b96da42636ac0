package io.hyrelog.storage.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hyrelog.Company;
import io.hyrelog.DataRegion;
import io.hyrelog.PlanTier;
import io.hyrelog.spi.AlreadyStoredException;
import io.hyrelog.spi.ChangeLog;
import io.hyrelog.spi.ChangeLog.Change;
import io.hyrelog.testkit.ChangeLogContract;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link PostgresChangeLog} passes the change log's contract on a real PostgreSQL, as the
 * application role; and a change made through another store object on the same data source
 * (the tenant directory) commits or rolls back with its record, in one transaction.
 */
class PostgresChangeLogIT extends ChangeLogContract {
  private PostgresFixture.Database db;
  private PostgresTenants tenants;

  @Override
  protected ChangeLog createChangeLog() {
    db = PostgresFixture.newDatabase();
    tenants = PostgresTenants.create(db.app());
    return PostgresChangeLog.create(db.app());
  }

  @Override
  protected void closeChangeLog() {
    db.close();
  }

  private Company newCompany(String name) {
    return new Company(UUID.randomUUID(), name, DataRegion.EU, PlanTier.GROWTH, null);
  }

  @Test
  void atomically_changeAndRecord_commitTogether() {
    Company c = newCompany("Acme");
    Change record = change(1, c.id());
    log.atomically(() -> {
      tenants.createCompany(c);
      log.record(record);
      // Read-your-writes: the store's read runs in the unit's transaction.
      assertThat(tenants.company(c.id())).isPresent();
      return null;
    });
    assertThat(tenants.company(c.id())).contains(c);
    assertThat(drainAll(c.id())).containsExactly(record);
  }

  @Test
  void atomically_changeFailsAfterTheRecord_neitherIsKept() {
    Company c = newCompany("Acme");
    tenants.createCompany(c);
    Change record = change(1, c.id());
    assertThatThrownBy(() -> log.atomically(() -> {
      tenants.assignPlan(c.id(), PlanTier.FREE);
      log.record(record);
      tenants.createCompany(c); // a duplicate: the database refuses the unit's last change
      return null;
    })).isInstanceOf(AlreadyStoredException.class);
    assertThat(tenants.company(c.id()).orElseThrow().planTier()).isEqualTo(PlanTier.GROWTH);
    assertThat(log.pending(10)).isEmpty();
    assertThat(rows()).isZero();
  }

  @Test
  void atomically_recordFails_theChangeIsNotKept() {
    Company c = newCompany("Acme");
    Change first = change(1, c.id());
    log.atomically(() -> {
      log.record(first);
      return null;
    });
    Company d = newCompany("Beta");
    assertThatThrownBy(() -> log.atomically(() -> {
      tenants.createCompany(d);
      log.record(first); // its id is stored: the record fails
      return null;
    })).isInstanceOf(AlreadyStoredException.class);
    assertThat(tenants.company(d.id())).isEmpty();
    assertThat(drainAll(c.id())).containsExactly(first);
  }

  @Test
  void atomically_storeHandlesItsOwnFailure_unitGoesOn() {
    Company c = newCompany("Acme");
    tenants.createCompany(c);
    Company d = newCompany("Beta");
    Change record = change(1, d.id());
    log.atomically(() -> {
      try {
        tenants.createCompany(c);
      } catch (AlreadyStoredException expected) {
        // as in autocommit mode, a refused statement does not spoil what follows
      }
      tenants.createCompany(d);
      log.record(record);
      return null;
    });
    assertThat(tenants.company(d.id())).contains(d);
    assertThat(drainAll(d.id())).containsExactly(record);
  }

  @Test
  void atomically_unitEnded_connectionsGoBackToThePool() {
    for (int i = 0; i < 20; i++) {
      Company c = newCompany("C" + i);
      int n = i;
      try {
        log.atomically(() -> {
          tenants.createCompany(c);
          log.record(change(n, c.id()));
          if (n % 2 == 0) {
            throw new IllegalStateException("rolled back");
          }
          return null;
        });
      } catch (IllegalStateException expected) {
        // half of them roll back
      }
    }
    // The pool holds 8 connections: 20 units that leaked theirs would have blocked.
    assertThat(log.pending(ChangeLog.MAX_LIMIT)).hasSize(10);
    assertThat(tenants.companies()).hasSize(10);
  }

  private int rows() {
    try (Connection c = DriverManager.getConnection(db.ownerUrl());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM hyrelog.change_log")) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
