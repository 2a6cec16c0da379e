/**
 * The fault catalogue, fault schedules and the injectors for the real runtimes (local processes,
 * Docker). The simulator's faults live in {@code titan.sim} in titan-node, so that the simulator
 * needs nothing above it; this module grows with the local and Docker runtimes.
 */
package titan.nemesis;
