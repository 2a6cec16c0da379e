/**
 * Workloads ({@code register}, {@code kv}, {@code set}) driven through the Java client with Jepsen's
 * invoke/ok/fail/info semantics: {@link titan.lab.workload.Completion} maps a client outcome to the
 * history in one place, {@link titan.lab.workload.WorkloadRunner} runs the client workers and retires
 * a process after an info, {@link titan.lab.workload.HistoryRecorder} keeps the history in the
 * checker's own types.
 */
package titan.lab.workload;
