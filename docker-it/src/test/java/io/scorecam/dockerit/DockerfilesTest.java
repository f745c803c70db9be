package io.scorecam.dockerit;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What can be checked of the Dockerfiles without a daemon (and without Maven inside Docker): the jar names the
 * Maven profiles write are the ones the Dockerfiles copy, every file they COPY from the context exists or is
 * built and passes .dockerignore, and the multi-stage Dockerfile.build has docker/Dockerfile's runtime stage.
 */
class DockerfilesTest {
    private static final Path ROOT = ServerImageTest.repoRoot(Path.of(System.getProperty("scorecam.repo.root", ".")));
    private static final Pattern ARG = Pattern.compile("^ARG (\\w+)=(\\S+)$");
    private static final Pattern COPY = Pattern.compile("^COPY (?!--from)(\\S+) (\\S+)$");

    @Test
    void theCudaImageCopiesTheJarTheGpuProfileWrites() throws Exception {
        Map<String, String> names = jarNames();
        assertEquals("server/target/" + names.get("default") + ".jar", args(dockerfile("Dockerfile")).get("JAR"));
        assertEquals("server/target/" + names.get("gpu") + ".jar", args(dockerfile("Dockerfile.cuda")).get("JAR"),
                "mvn -Pgpu package must write the jar Dockerfile.cuda copies by default (no manual cp)");
        assertFalse(names.get("gpu").equals(names.get("default")), "the gpu jar must not overwrite the CPU jar");
    }

    @Test
    void everythingTheDockerfilesCopyIsInTheBuildContext() throws Exception {
        List<String> ignore = Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertEquals("*", ignore.get(0), ".dockerignore starts by excluding everything");
        for (String name : List.of("Dockerfile", "Dockerfile.cuda", "Dockerfile.build")) {
            List<String> lines = dockerfile(name);
            Map<String, String> args = args(lines);
            for (String line : lines) {
                Matcher m = COPY.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                String source = resolve(m.group(1), args);
                assertTrue(admitted(source, ignore), name + ": COPY " + source + " is excluded by .dockerignore");
                if (!source.endsWith(".jar")) { // jars are built; everything else is in the repository
                    assertTrue(Files.exists(ROOT.resolve(source)), name + ": COPY " + source + " does not exist");
                }
            }
        }
    }

    @Test
    void theMultiStageBuildEndsInDockerfilesRuntimeStage() throws Exception {
        List<String> plain = runtimeStage(dockerfile("Dockerfile"));
        List<String> built = runtimeStage(dockerfile("Dockerfile.build"));
        plain.removeIf(l -> l.startsWith("ARG JAR=") || l.startsWith("COPY ${JAR} "));
        assertTrue(built.removeIf(l -> l.startsWith("COPY --from=build ")), "Dockerfile.build copies the jar from its build stage");
        assertEquals(plain, built, "docker/Dockerfile.build's runtime stage drifted from docker/Dockerfile's");
        assertTrue(dockerfile("Dockerfile.build").stream().anyMatch(l -> l.startsWith("RUN ") && l.contains(" mvn -B ")), "it builds with Maven");
    }

    @Test
    void everyImageSetsTheMallocSettingsThatKeepReloadsBounded() throws Exception {
        // with glibc's dynamic mmap threshold, memory ONNX Runtime frees on a model reload stays in the process
        for (String name : List.of("Dockerfile", "Dockerfile.build", "Dockerfile.cuda")) {
            List<String> lines = dockerfile(name);
            for (String setting : List.of("MALLOC_ARENA_MAX=2", "MALLOC_MMAP_THRESHOLD_=131072", "MALLOC_TRIM_THRESHOLD_=131072")) {
                assertTrue(lines.stream().anyMatch(l -> l.startsWith("ENV ") && (" " + l + " ").contains(" " + setting + " ")),
                        name + " sets " + setting);
            }
        }
    }

    @Test
    void theBuildStageCopiesEveryModulesPomTheReactorReads() throws Exception {
        // Maven reads every <module> of the root pom before -pl picks one: a module whose pom is not copied
        // fails the in-Docker build with "Child module ... does not exist"
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile());
        NodeList modules = pom.getElementsByTagName("module");
        assertTrue(modules.getLength() > 3, "root pom modules");
        List<String> copies = dockerfile("Dockerfile.build");
        for (int i = 0; i < modules.getLength(); i++) {
            String module = modules.item(i).getTextContent().strip();
            assertTrue(copies.contains("COPY " + module + "/pom.xml " + module + "/"),
                    "Dockerfile.build does not copy " + module + "/pom.xml, which the reactor reads");
        }
    }

    /** Instructions after the last FROM, comments dropped, continuation lines joined. */
    private static List<String> runtimeStage(List<String> lines) {
        int from = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("FROM ")) {
                from = i;
            }
        }
        return new ArrayList<>(lines.subList(from + 1, lines.size()));
    }

    /** The file's instructions: comments and blank lines dropped, backslash continuations joined. */
    static List<String> dockerfile(String name) throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : Files.readAllLines(ROOT.resolve("docker").resolve(name))) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
            } else {
                out.add(current.append(line).toString().replaceAll("\\s+", " ").strip());
                current.setLength(0);
            }
        }
        return out;
    }

    private static Map<String, String> args(List<String> lines) {
        Map<String, String> args = new HashMap<>();
        for (String l : lines) {
            Matcher m = ARG.matcher(l);
            if (m.matches()) {
                args.put(m.group(1), m.group(2));
            }
        }
        return args;
    }

    private static String resolve(String source, Map<String, String> args) {
        Matcher m = Pattern.compile("\\$\\{(\\w+)}").matcher(source);
        return m.replaceAll(r -> Matcher.quoteReplacement(args.getOrDefault(r.group(1), r.group())));
    }

    /** "*" then "!path" lines: a path passes when it, or a directory above it, is re-included. */
    private static boolean admitted(String path, List<String> ignore) {
        return ignore.stream().skip(1).filter(p -> p.startsWith("!")).map(p -> p.substring(1))
                .anyMatch(p -> path.equals(p) || path.startsWith(p + "/"));
    }

    /** The fat jar's name by profile, from server/pom.xml's server.jar.name property. */
    private static Map<String, String> jarNames() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve("server/pom.xml").toFile());
        Map<String, String> names = new HashMap<>();
        Element project = pom.getDocumentElement();
        names.put("default", childText(child(project, "properties"), "server.jar.name"));
        NodeList profiles = pom.getElementsByTagName("profile");
        for (int i = 0; i < profiles.getLength(); i++) {
            Element profile = (Element) profiles.item(i);
            Element props = child(profile, "properties");
            if (props != null) {
                names.put(childText(profile, "id"), childText(props, "server.jar.name"));
            }
        }
        assertTrue(names.get("default") != null && names.get("gpu") != null, "server.jar.name by profile: " + names);
        return names;
    }

    private static Element child(Element parent, String tag) {
        for (var n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(tag)) {
                return e;
            }
        }
        return null;
    }

    private static String childText(Element parent, String tag) {
        Element e = parent == null ? null : child(parent, tag);
        return e == null ? null : e.getTextContent().strip();
    }
}
