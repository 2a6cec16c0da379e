/**
 * Durable Raft state: the {@link titan.node.storage.LogStore} contract, the write-ahead-log record
 * format shared by {@link titan.node.storage.FileLogStore} and the simulator's
 * {@code titan.sim.SimDisk}, and recovery (torn tails truncated, corruption in the middle refused).
 */
package titan.node.storage;
