/**
 * The fault catalogue ({@link titan.nemesis.Fault}, {@link titan.nemesis.NetworkFaults}), the kinds
 * a schedule draws from ({@link titan.nemesis.FaultKind}), real-time schedules
 * ({@link titan.nemesis.NemesisSchedule}) and the choice of nodes and links when a fault starts
 * ({@link titan.nemesis.Plans}), all as plain data. Every runtime uses it: the simulator
 * ({@code titan.sim} in titan-node) and the lab's local and Docker runtimes, whose injectors live in
 * harness ({@code titan.lab.nemesis}) because they need the runtime. Depends on nothing of Titan.
 */
package titan.nemesis;
