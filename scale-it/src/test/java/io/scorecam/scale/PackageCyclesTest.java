package io.scorecam.scale;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * No package cycles in the product's modules, as the JDK's jdeps sees their classes (the check the project's
 * rules name): this module is built after server, client-cli and loadtest, so their classes are there.
 */
class PackageCyclesTest {
    private static final Pattern EDGE = Pattern.compile("^\\s+(io\\.scorecam\\.\\S+)\\s+->\\s+(io\\.scorecam\\.\\S+)\\s");

    @ParameterizedTest
    @ValueSource(strings = {"server", "client-cli", "loadtest"})
    void noPackageCycles(String module) {
        Path root = Path.of(System.getProperty("scorecam.repo.root", ".."));
        Path classes = root.resolve(module).resolve("target/classes");
        assumeTrue(Files.isDirectory(classes.resolve("io/scorecam")), "no classes at " + classes + ": not built");
        Map<String, Set<String>> edges = edges(classes);
        assertTrue(edges.size() >= 2, "jdeps found packages: " + edges.keySet());
        List<Set<String>> cycles = cycles(edges);
        assertEquals(List.of(), cycles, module + " has package cycles (jdeps -verbose:package): " + describe(cycles, edges));
    }

    private static Map<String, Set<String>> edges(Path classes) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(new StringWriter()),
                "-verbose:package", "-e", "io\\.scorecam\\..*", classes.toString());
        assertEquals(0, rc, out.toString());
        Map<String, Set<String>> edges = new HashMap<>();
        for (String line : out.toString().split("\\R")) {
            Matcher m = EDGE.matcher(line);
            if (m.find()) {
                edges.computeIfAbsent(m.group(1), k -> new TreeSet<>());
                if (!m.group(1).equals(m.group(2))) {
                    edges.get(m.group(1)).add(m.group(2));
                }
            }
        }
        return edges;
    }

    /** Tarjan's strongly connected components of more than one package. */
    static List<Set<String>> cycles(Map<String, Set<String>> edges) {
        List<Set<String>> found = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        List<String> stack = new ArrayList<>();
        Set<String> onStack = new HashSet<>();
        for (String v : edges.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, edges, index, low, stack, onStack, found);
            }
        }
        return found;
    }

    private static void connect(String v, Map<String, Set<String>> edges, Map<String, Integer> index,
                                Map<String, Integer> low, List<String> stack, Set<String> onStack,
                                List<Set<String>> found) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.add(v);
        onStack.add(v);
        for (String w : edges.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, edges, index, low, stack, onStack, found);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.remove(stack.size() - 1);
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                found.add(component);
            }
        }
    }

    private static String describe(List<Set<String>> cycles, Map<String, Set<String>> edges) {
        StringBuilder sb = new StringBuilder();
        for (Set<String> c : cycles) {
            for (String a : c) {
                for (String b : edges.getOrDefault(a, Set.of())) {
                    if (c.contains(b)) {
                        sb.append("\n  ").append(a).append(" -> ").append(b);
                    }
                }
            }
        }
        return sb.toString();
    }
}
