package io.hyrelog.cli;

/** Entry point of {@code hyrelog.jar}. */
public final class HyrelogCli {
  private HyrelogCli() {}

  public static void main(String[] args) {
    System.exit(2);
  }
}
