/**
 * Linearizability checking for recorded histories of any system.
 * <pre>{@code
 * History history = HistoryFiles.read(Path.of("history.jsonl"));       // or .edn
 * CheckResult result = Linearizability.check(new KvModel(), history, CheckOptions.defaults());
 * switch (result.verdict()) { case VALID -> ...; case INVALID -> print(result.explanation()); case UNKNOWN -> ... }
 * }</pre>
 * <h2>Semantics</h2>
 * Jepsen's: an {@code ok} took effect between its call and completion; a {@code fail} did not
 * happen; an {@code info}, or a call never completed, may take effect at any time after its call,
 * or never. Nemesis events are kept in the history and ignored by the search.
 * <h2>Defaults, and how to change them</h2>
 * <ul>
 * <li>A failed cas did not happen ({@link titan.checker.FailedCas#DID_NOT_HAPPEN}, Jepsen's rule).
 *     {@link titan.checker.FailedCas#READ_DIFFERENT} treats it as a read of a value other than the
 *     expected one, as Porcupine's models do.</li>
 * <li>An OK read of nil means "absent" in this lab's histories ({@link titan.checker.model.NilRead#ABSENT}).
 *     Knossos and Jepsen EDN histories use nil for "not known", and Knossos's cas-register accepts
 *     such a read in any state: {@code CasRegisterModel.knossos(0L)} (initial value 0, nil read
 *     unknown) reproduces the verdicts of every Knossos test history; the {@code check} command
 *     picks the nil meaning by file format.</li>
 * <li>The search has a one-minute deadline and may use half the heap (model states, caches and
 *     stacks, estimated); past either, the verdict is UNKNOWN with the reason.</li>
 * </ul>
 * <h2>The search</h2>
 * Wing &amp; Gong's backtracking with Lowe's cache (Lowe, "Testing for linearizability", §3–4),
 * one independent search per partition (Horn &amp; Kroening, "Faster linearizability checking via
 * P-compositionality", §3), partitions in parallel; see {@link titan.checker.internal.PartitionSearch}.
 * For kv keys whose writes and appended elements are unique (as the lab's {@code kv} workload makes
 * them), a read fixes the order of the appends before it (Elle's insight), which makes such keys
 * cheap to check; see {@code titan.checker.internal.AppendEpochs}.
 */
package titan.checker;
