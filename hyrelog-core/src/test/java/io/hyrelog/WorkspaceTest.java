package io.hyrelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class WorkspaceTest {
  private static final UUID COMPANY = UUID.fromString("00000000-0000-4000-8000-000000000001");

  /** Known answer, computed apart from Java (Python: MD5, then the version-3 bits). */
  @Test
  void systemId_knownCompany_isTheDocumentedNameBasedUuid() {
    assertThat(Workspace.systemId(COMPANY))
        .isEqualTo(UUID.fromString("5a05dc42-833b-34be-ab1a-169f52ad8c56"));
    assertThat(Workspace.systemId(COMPANY).version()).isEqualTo(3);
  }

  @Test
  void isSystem_systemAndOrdinaryWorkspaces_onlyTheCompanysOwn() {
    UUID other = UUID.fromString("00000000-0000-4000-8000-000000000002");
    assertThat(Workspace.system(COMPANY).isSystem()).isTrue();
    assertThat(Workspace.system(COMPANY).name()).isEqualTo(Workspace.SYSTEM_NAME);
    assertThat(new Workspace(UUID.randomUUID(), COMPANY, "Production").isSystem()).isFalse();
    // Another company's system id is an ordinary (foreign) id for this company.
    assertThat(new Workspace(Workspace.systemId(other), COMPANY, "x").isSystem()).isFalse();
    assertThat(Workspace.systemId(other)).isNotEqualTo(Workspace.systemId(COMPANY));
  }
}
