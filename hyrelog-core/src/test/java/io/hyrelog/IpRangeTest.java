package io.hyrelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpRangeTest {

  @Test
  void contains_ipv4Block_matchesOnlyItsAddresses() {
    IpRange r = IpRange.parse("10.1.0.0/16");
    assertThat(r.contains(IpRange.literal("10.1.255.7"))).isTrue();
    assertThat(r.contains(IpRange.literal("10.2.0.1"))).isFalse();
    assertThat(r.contains(IpRange.literal("::1"))).isFalse();
  }

  @Test
  void contains_oddPrefix_comparesPartialByte() {
    IpRange r = IpRange.parse("192.168.0.128/25");
    assertThat(r.contains(IpRange.literal("192.168.0.200"))).isTrue();
    assertThat(r.contains(IpRange.literal("192.168.0.127"))).isFalse();
  }

  @Test
  void parse_singleAddress_isHostBlock() {
    assertThat(IpRange.parse("127.0.0.1").toString()).isEqualTo("127.0.0.1/32");
    assertThat(IpRange.parse("::1").prefixLength()).isEqualTo(128);
    assertThat(IpRange.parse("::1/128").contains(IpRange.literal("::1"))).isTrue();
    assertThat(IpRange.parse("0.0.0.0/0").contains(IpRange.literal("8.8.8.8"))).isTrue();
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
      "::1, ::1", "0:0:0:0:0:0:0:0, ::", "2001:db8:0:0:0:0:2:1, 2001:db8::2:1",
      "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1", "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
      "fe80:0:0:0:0:0:0:0, fe80::", "2001:DB8::A, 2001:db8::a", "10.1.2.3, 10.1.2.3"})
  void format_rfc5952(String in, String expected) {
    assertThat(IpRange.format(IpRange.literal(in))).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "localhost", "example.com", "10.0.0.1/33", "10.0.0.1/8",
      "256.1.1.1", "10.0.0/8", "::1/129", "10.0.0.0/-1", "10.0.0.0/", "1.2.3.4/08x"})
  void parse_invalid_rejected(String text) {
    assertThatThrownBy(() -> IpRange.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }
}
