package titan.lab.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The node image, made without a registry: a one-layer image ({@link #ensure}) of a root file system that holds
 * only empty mount points and the host's top-level links ({@code /bin -> usr/bin} on a merged-/usr
 * system). Everything else comes from read-only bind mounts of the host ({@link #runtimeMounts}):
 * {@code /usr} (the Java runtime, {@code sh}, {@code timeout}, {@code iptables}), the top-level
 * library folders that are not links, {@code /etc/alternatives}, and the folders outside {@code /usr}
 * that the Java runtime links to (Debian keeps its security configuration under {@code /etc}).
 * {@code /sbin} stays a real folder of the image: Docker puts its init at {@code /sbin/docker-init}.
 */
final class BaseImage {
    private static final List<String> TOP_LINKS = List.of("bin", "lib", "lib32", "lib64", "libx32");
    private static final List<String> DIRS = List.of("usr", "etc", "proc", "sys", "dev", "data", "sbin", "run", "var");

    private BaseImage() {}

    /**
     * The image's name, loaded when missing; the tag names the host layout it was made for. The
     * image goes in through {@code POST /images/load} in the {@code docker save} layout (a manifest,
     * a config naming the layer's digest, the layer): docker-java's import command
     * ({@code createImageCmd} with a stream) sends the stream JSON-encoded, which the engine refuses
     * ("Error processing tar file: unexpected EOF"), while its load command streams the bytes.
     */
    static String ensure(DockerClient docker) {
        byte[] layer = rootFs();
        String layerDigest = sha256(layer);
        String tag = "titan-lab-base:" + layerDigest.substring(0, 12);
        try {
            docker.inspectImageCmd(tag).exec();
            return tag;
        } catch (NotFoundException e) {
            docker.loadImageCmd(new ByteArrayInputStream(saveFormat(layer, layerDigest, tag))).exec();
            docker.inspectImageCmd(tag).exec(); // throws when the load did not take
            return tag;
        }
    }

    /** A one-layer image in the {@code docker save} layout. */
    static byte[] saveFormat(byte[] layer, String layerDigest, String tag) {
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> System.getProperty("os.arch");
        };
        byte[] config = ("{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"config\":{},"
                + "\"created\":\"1970-01-01T00:00:00Z\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
                + layerDigest + "\"]},\"history\":[{\"created\":\"1970-01-01T00:00:00Z\",\"created_by\":\"titan-lab\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        String configName = sha256(config) + ".json";
        String layerName = layerDigest + "/layer.tar";
        byte[] manifest = ("[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"" + tag + "\"],\"Layers\":[\""
                + layerName + "\"]}]").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            dir(tar, layerDigest, 0755);
            file(tar, layerName, layer);
            file(tar, configName, config);
            file(tar, "manifest.json", manifest);
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        entry.setMode(0100644);
        entry.setModTime(0);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The root file system as a tar: the mount points, a world-writable {@code /tmp} and the host's top links. */
    static byte[] rootFs() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (String dir : DIRS) {
                dir(tar, dir, 0755);
            }
            dir(tar, "tmp", 01777);
            for (String name : TOP_LINKS) {
                Path host = Path.of("/", name);
                if (Files.isSymbolicLink(host)) {
                    TarArchiveEntry link = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                    link.setLinkName(Files.readSymbolicLink(host).toString());
                    link.setModTime(0);
                    tar.putArchiveEntry(link);
                    tar.closeArchiveEntry();
                } else if (Files.isDirectory(host)) {
                    dir(tar, name, 0755);
                }
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void dir(TarArchiveOutputStream tar, String name, int mode) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name + "/");
        entry.setMode(TarArchiveEntry.DEFAULT_DIR_MODE & ~07777 | mode);
        entry.setModTime(0);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    /** The read-only mounts that give a container the host's Java runtime and tools. */
    static List<Mount> runtimeMounts() {
        TreeSet<String> sources = new TreeSet<>();
        sources.add("/usr");
        for (String name : TOP_LINKS) {
            Path host = Path.of("/", name);
            if (!Files.isSymbolicLink(host) && Files.isDirectory(host)) {
                sources.add(host.toString());
            }
        }
        if (Files.isDirectory(Path.of("/etc/alternatives"))) {
            sources.add("/etc/alternatives");
        }
        Path javaHome = Path.of(System.getProperty("java.home")).toAbsolutePath().normalize();
        sources.add(javaHome.toString());
        try (Stream<Path> files = Files.walk(javaHome, 4)) {
            files.filter(Files::isSymbolicLink).forEach(link -> {
                try {
                    Path real = link.toRealPath();
                    Path folder = Files.isDirectory(real) ? real : real.getParent();
                    sources.add(folder.toString());
                } catch (IOException e) {
                    // a dangling link: the container lacks it as the host does
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the Java runtime at " + javaHome, e);
        }
        List<Mount> mounts = new ArrayList<>();
        String kept = null;
        for (String source : sources) { // sorted: a folder comes before what lies inside it
            if (kept != null && (source.equals(kept) || source.startsWith(kept + "/"))) {
                continue;
            }
            kept = source;
            mounts.add(new Mount().withType(MountType.BIND).withSource(source).withTarget(source).withReadOnly(true));
        }
        return mounts;
    }
}
