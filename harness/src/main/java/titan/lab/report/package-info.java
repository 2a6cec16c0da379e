/**
 * A test run's report for people: {@link titan.lab.report.RunReport} renders a self-contained
 * report.html (summary, latency over time with faults shaded, throughput, quantiles, counts, the
 * checkers with the checker's own explanation embedded) from a run folder or from memory.
 */
package titan.lab.report;
