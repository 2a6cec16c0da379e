package titan.lab.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pids of the nodes the labs on this machine started, one {@code <lab pid> <node pid>} per line,
 * so that a lab can reap the nodes of an earlier lab that died without cleaning up (killed with
 * SIGKILL before its nodes noticed their stdin closing). A node is reaped only when its lab is gone
 * and its command line is a Titan node's, so a recycled pid or a concurrent lab's node is safe.
 */
final class PidFile {
    private final Path file;
    private final long labPid = ProcessHandle.current().pid();

    PidFile(Path file) {
        this.file = file;
    }

    /** Kills the recorded nodes of labs that are gone, and forgets them. */
    synchronized void reapOrphans(String mainClass) {
        List<String> keep = new ArrayList<>();
        for (String line : read()) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 2) {
                continue;
            }
            long lab;
            long node;
            try {
                lab = Long.parseLong(parts[0]);
                node = Long.parseLong(parts[1]);
            } catch (NumberFormatException e) {
                continue;
            }
            if (ProcessHandle.of(lab).map(ProcessHandle::isAlive).orElse(false)) {
                keep.add(line); // a lab still running owns it
                continue;
            }
            Optional<ProcessHandle> handle = ProcessHandle.of(node);
            if (handle.isPresent() && handle.get().isAlive() && commandLine(handle.get()).contains(mainClass)) {
                handle.get().destroyForcibly();
            }
        }
        write(keep);
    }

    /** The process's whole command line: /proc where there is one (ProcessHandle may leave out arguments). */
    private static String commandLine(ProcessHandle handle) {
        Path proc = Path.of("/proc", Long.toString(handle.pid()), "cmdline");
        try {
            if (Files.exists(proc)) {
                return new String(Files.readAllBytes(proc), StandardCharsets.UTF_8).replace('\0', ' ');
            }
        } catch (IOException e) {
            // fall back to what the JDK knows
        }
        return handle.info().commandLine().orElse("");
    }

    synchronized void add(long nodePid) {
        List<String> lines = read();
        lines.add(labPid + " " + nodePid);
        write(lines);
    }

    synchronized void remove(long nodePid) {
        List<String> lines = read();
        lines.remove(labPid + " " + nodePid);
        write(lines);
    }

    private List<String> read() {
        try {
            return Files.exists(file) ? new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8)) : new ArrayList<>();
        } catch (IOException e) {
            return new ArrayList<>();
        }
    }

    private void write(List<String> lines) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            // the pid file is a safety net; the stdin pipe and the shutdown hook still work without it
        }
    }
}
