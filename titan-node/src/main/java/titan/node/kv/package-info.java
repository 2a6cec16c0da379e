/**
 * The key-value state machine that Raft replicates: commands and their binary codec, results,
 * client sessions for exactly-once writes (dissertation §6.3), and snapshots of the whole state.
 * Pure: no I/O, no threads, no clock. Every replica that applies the same log with the same
 * {@link titan.node.kv.KvConfig} reaches the same state, byte for byte.
 */
package titan.node.kv;
