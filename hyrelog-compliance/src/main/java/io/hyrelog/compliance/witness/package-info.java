/**
 * Witness cosignatures of checkpoints: C2SP <a href="https://c2sp.org/tlog-cosignature">
 * tlog-cosignature</a> (the Ed25519 {@code cosignature/v1} type) and the witness side of C2SP <a
 * href="https://c2sp.org/tlog-witness">tlog-witness</a>, as library code without HTTP.
 *
 * <ul>
 *   <li>{@link io.hyrelog.compliance.witness.Cosigner} signs, {@link
 *       io.hyrelog.compliance.witness.CosignatureVerifier} verifies a {@link
 *       io.hyrelog.compliance.witness.Cosignature};
 *   <li>{@link io.hyrelog.compliance.witness.Witness} answers {@code add-checkpoint} requests:
 *       it cosigns a checkpoint only if its log signed it and it extends, by a verified
 *       consistency proof, the last checkpoint the witness cosigned for that log, which it keeps
 *       durably;
 *   <li>{@link io.hyrelog.compliance.witness.AddCheckpointRequest} and {@link
 *       io.hyrelog.compliance.witness.WitnessResponse} are the request and response bodies both
 *       sides use: a log formats the request and reads the cosignatures (or, on 409, the
 *       witness's size) from the response.
 * </ul>
 */
package io.hyrelog.compliance.witness;
