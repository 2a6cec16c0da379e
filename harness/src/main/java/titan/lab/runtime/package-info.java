/**
 * Where a lab test's cluster runs: {@link titan.lab.runtime.ClusterRuntime}, one interface for every
 * runtime (start, stop, kill, pause, resume, restart a node; cut, heal, slow a directed link; clock
 * skew; WAL damage; client endpoints; pids; logs copied back), and {@link titan.lab.runtime.LocalRuntime},
 * child JVMs on 127.0.0.1 with a {@link titan.lab.runtime.LinkProxy} on every directed peer link.
 * A Docker runtime would implement the same interface (not built yet).
 */
package titan.lab.runtime;
