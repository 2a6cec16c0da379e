package titan.lab.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Docker runtime's parts that need no engine: the image bytes, the class path, stale owners, a missing engine. */
class DockerRuntimePartsTest {
    @TempDir Path dir;

    @Test
    void aMissingEngineIsOneLine() {
        String problem = DockerRuntime.engineProblem("unix://" + dir.resolve("no-docker.sock")).orElseThrow();
        assertThat(problem).startsWith("no Docker engine answers").contains("start dockerd").doesNotContain("\n");
    }

    @Test
    void theRootFileSystemHasMountPointsAWritableTmpAndARealSbin() throws IOException {
        Map<String, TarArchiveEntry> entries = entries(BaseImage.rootFs());
        assertThat(entries).containsKeys("usr/", "etc/", "data/", "proc/", "sbin/", "tmp/");
        assertThat(entries.get("tmp/").getMode() & 07777).isEqualTo(01777);
        assertThat(entries.get("sbin/").isDirectory()).isTrue(); // Docker's init goes to /sbin/docker-init
        if (Files.isSymbolicLink(Path.of("/bin"))) {
            assertThat(entries.get("bin").getLinkName()).isEqualTo(Files.readSymbolicLink(Path.of("/bin")).toString());
        }
        assertThat(BaseImage.rootFs()).isEqualTo(BaseImage.rootFs()); // same bytes, same image tag
    }

    @Test
    void theImageIsInTheDockerSaveLayout() throws IOException {
        byte[] layer = BaseImage.rootFs();
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(
                BaseImage.saveFormat(layer, "ab".repeat(32), "titan-lab-base:test")))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (!e.isDirectory()) {
                    files.put(e.getName(), tar.readAllBytes());
                }
            }
        }
        assertThat(files).containsKeys("manifest.json", "ab".repeat(32) + "/layer.tar");
        assertThat(files.get("ab".repeat(32) + "/layer.tar")).isEqualTo(layer);
        String manifest = new String(files.get("manifest.json"), StandardCharsets.UTF_8);
        assertThat(manifest).contains("\"RepoTags\":[\"titan-lab-base:test\"]");
        String configName = files.keySet().stream().filter(n -> n.endsWith(".json") && !n.equals("manifest.json"))
                .findFirst().orElseThrow();
        assertThat(manifest).contains("\"Config\":\"" + configName + "\"");
        assertThat(new String(files.get(configName), StandardCharsets.UTF_8)).contains("\"sha256:" + "ab".repeat(32) + "\"");
    }

    @Test
    void theClassPathIsMountedEntryByEntryWithoutWhatIsMissing() throws IOException {
        Path jar = Files.createFile(dir.resolve("a.jar"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        String cp = String.join(java.io.File.pathSeparator, jar.toString(), dir.resolve("missing.jar").toString(),
                classes.toString(), jar.toString(), "");
        assertThat(DockerRuntime.classPathEntries(cp)).containsExactly(jar.toString(), classes.toString());
    }

    @Test
    void theNodesClassPathIsAbsoluteBecauseContainersRunIn_data() {
        // Goal: a lab started from a relative jar path gives its containers the absolute path it mounts.
        String cp = DockerRuntime.absoluteClassPath("results/lab.jar" + java.io.File.pathSeparator + "/opt/x.jar");
        assertThat(cp.split(java.io.File.pathSeparator)).containsExactly(
                Path.of("results/lab.jar").toAbsolutePath().toString(), "/opt/x.jar");
    }

    @Test
    void onlyLabsThatAreGoneAreStale() {
        assertThat(DockerRuntime.isStale(DockerRuntime.ownerLabel(ProcessHandle.current()))).isFalse();
        assertThat(DockerRuntime.isStale(ProcessHandle.current().pid() + "@1")).isTrue(); // a reused pid
        assertThat(DockerRuntime.isStale("999999999@1")).isTrue();
        assertThat(DockerRuntime.isStale("garbage")).isTrue();
        assertThat(DockerRuntime.isStale(null)).isTrue();
    }

    @Test
    void theSubnetOverlapsNoOtherNetwork() {
        assertThat(DockerRuntime.freeSubnet(List.of("172.17.0.0/16"))).isEqualTo("172.28.200.0/24");
        assertThat(DockerRuntime.freeSubnet(List.of("172.28.200.0/24", "172.28.201.0/25", "fd00::/64")))
                .isEqualTo("172.28.202.0/24");
        assertThat(DockerRuntime.freeSubnet(List.of("172.28.192.0/20"))).isEqualTo("172.28.208.0/24");
        assertThat(DockerRuntime.freeSubnet(List.of("172.28.128.0/17"))).isEqualTo("172.28.0.0/24");
        assertThatThrownBy(() -> DockerRuntime.freeSubnet(List.of("172.16.0.0/12"))).isInstanceOf(IllegalStateException.class);
        assertThat(DockerRuntime.overlaps("10.0.0.0/8", "10.1.2.0/24")).isTrue();
        assertThat(DockerRuntime.overlaps("10.0.0.0/8", "11.0.0.0/24")).isFalse();
    }

    @Test
    void badOptionsAreRefused() {
        assertThatThrownBy(() -> new DockerRuntime.Options(0, dir, List.of(), "titan", List.of(), "", "M",
                java.time.Duration.ofSeconds(1), null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DockerRuntime.Options(3, dir, List.of(), "titan", List.of(), "", "M",
                java.time.Duration.ofSeconds(1), "10.0.0.0/8")).hasMessageContaining("a.b.c.0/24");
    }

    private static Map<String, TarArchiveEntry> entries(byte[] tarBytes) throws IOException {
        Map<String, TarArchiveEntry> map = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(tarBytes))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                map.put(e.getName(), e);
            }
        }
        return map;
    }
}
