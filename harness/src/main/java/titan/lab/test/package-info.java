/**
 * {@code titan-lab test}: one lab test in Jepsen's phases (set up, workload with nemesis, heal,
 * recover, final reads, collect logs, check) writing the run folder; {@code --runtime sim} runs one
 * simulator seed into the same folder layout.
 */
package titan.lab.test;
