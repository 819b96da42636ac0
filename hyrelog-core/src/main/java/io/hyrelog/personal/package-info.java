/**
 * Personal-data requests: the workflow of erasure (GDPR Art. 17) and access (Art. 15, 20)
 * requests for a {@link io.hyrelog.DataSubject}.
 */
package io.hyrelog.personal;
