package io.hyrelog.compliance.export;

import java.io.IOException;
import java.io.OutputStream;

/**
 * One record type a compliance export can hold (the example server has {@code audit_events} and
 * {@code admin_audit_log}; other types join by implementing this).
 *
 * <p>{@link #write} MUST stream (memory constant in the number of records), MUST write the
 * records of {@code companyId} only, and MUST throw (not write a partial file silently) when it
 * cannot write them all.
 */
public interface ComplianceRecordSource {
  /**
   * The type name, {@code [a-z0-9_.-]}, used in object names and the encrypted header.
   *
   * @return the type name
   */
  String type();

  /**
   * Whether it can write {@code format} ({@code jsonl}, {@code csv}, …).
   *
   * @param format the format's name
   * @return true when supported
   */
  boolean supports(String format);

  /**
   * Writes every record of the company in {@code format} to {@code out} (not closing it).
   *
   * @param companyId the company
   * @param format a supported format
   * @param out where to write
   * @throws java.io.IOException when writing fails
   */
  void write(String companyId, String format, OutputStream out) throws IOException;
}
