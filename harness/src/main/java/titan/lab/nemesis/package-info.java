/**
 * The nemesis for real runtimes: {@link titan.lab.nemesis.FaultInjector} injects the catalogue's
 * faults ({@code titan.nemesis.Fault}) through a {@link titan.lab.runtime.ClusterRuntime}, and
 * {@link titan.lab.nemesis.NemesisRunner} runs a schedule, records every fault's start and end in the
 * history, and heals everything at the end.
 */
package titan.lab.nemesis;
