-- Spreadsheet-safe CSV exports (POST /v1/exports "csvSafe": true) are stored with the format
-- CSV_SAFE: a CSV export whose cells beginning with = + - @ TAB or CR get a leading quote.
ALTER TABLE export_jobs DROP CONSTRAINT export_jobs_format_check;
ALTER TABLE export_jobs ADD CONSTRAINT export_jobs_format_check
  CHECK (format IN ('JSONL', 'CSV', 'CSV_SAFE'));
