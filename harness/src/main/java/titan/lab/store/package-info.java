/**
 * The results store: {@link titan.lab.store.RunStore} creates and lists run folders
 * ({@code results/runs/<test>/<yyyyMMdd-HHmmss[-n]>/} with a {@code latest} link), and
 * {@link titan.lab.store.RunFolder} writes and reads one run's files (test.json, history.jsonl,
 * results.json, explanation.html, report.html, nodes/). Every runtime (local, docker, sim) writes
 * runs through these, so the report and {@code titan-lab serve} read one layout.
 */
package titan.lab.store;
