package io.hyrelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ApiKeyTokenTest {
  private final ApiKeyToken key = ApiKeyToken.generate(DataRegion.EU, ApiKeyType.WORKSPACE,
      new Random(7));

  @Test
  void text_parse_roundTripsAndNamesRegionAndType() {
    String text = key.text();
    assertThat(text).startsWith("hlk_eu_ws_").matches("hlk_eu_ws_[0-9A-Za-z]{32}_[0-9a-z]{6}");
    assertThat(ApiKeyToken.parse(text)).isEqualTo(key);
    ApiKeyToken co = ApiKeyToken.generate(DataRegion.AU, ApiKeyType.COMPANY, new Random(8));
    assertThat(ApiKeyToken.parse(co.text()).region()).isEqualTo(DataRegion.AU);
  }

  @Test
  void parse_mistypedOrTruncatedKey_isRejectedWithoutEchoingIt() {
    String text = key.text();
    int i = 15;
    String typo = text.substring(0, i) + (text.charAt(i) == 'a' ? 'b' : 'a')
        + text.substring(i + 1);
    for (String bad : new String[] {typo, text.substring(0, text.length() - 1), "hlk_xx",
        text.replace("hlk_eu_", "hlk_zz_"), "sk_live_abc", ""}) {
      assertThatThrownBy(() -> ApiKeyToken.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(key.secret()));
    }
  }

  @Test
  void toString_masksTheSecret() {
    assertThat(key.toString()).doesNotContain(key.secret()).contains("masked")
        .startsWith(key.displayPrefix());
  }
}
