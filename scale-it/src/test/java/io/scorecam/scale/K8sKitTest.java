package io.scorecam.scale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.scorecam.server.metrics.ServerMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * deploy/k8s rendered offline with {@code kubectl kustomize} (both overlays and the Prometheus Adapter rule),
 * validated against the Kubernetes and Prometheus Operator schemas (kubernetes-models from the npm registry,
 * deploy/k8s/validate), and every field the kit promises checked by name, with the ties between them: probe
 * service = the server's health name, grace above the drain, the HPA's metric = the adapter rule's = a metric
 * the server exports, ServiceMonitor port = the Service's named port, selectors = the pod labels.
 */
class K8sKitTest {
    private static final Path KIT = Tools.REPO.resolve("deploy/k8s");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String SERVICE = "scorecam.v1.ExplainService";

    private static String render(String dir) throws Exception {
        Path kubectl = Tools.require("kubectl", "Debian package kubernetes-client");
        Tools.Result r = Tools.run(List.of(kubectl.toString(), "kustomize", KIT.resolve(dir).toString()), KIT, 120);
        assertEquals(0, r.exit(), "kubectl kustomize " + dir + ":\n" + r.out());
        return r.out();
    }

    /** kind -> documents of that kind (by metadata.name). */
    private static Map<String, Map<String, JsonNode>> parse(String yaml) throws Exception {
        Map<String, Map<String, JsonNode>> byKind = new TreeMap<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (docs.hasNext()) {
                JsonNode d = docs.next();
                if (d == null || d.isMissingNode() || d.isNull()) {
                    continue;
                }
                byKind.computeIfAbsent(d.path("kind").asText(), k -> new TreeMap<>()).put(d.path("metadata").path("name").asText(), d);
            }
        }
        return byKind;
    }

    private static JsonNode one(Map<String, Map<String, JsonNode>> docs, String kind) {
        Map<String, JsonNode> ofKind = docs.get(kind);
        assertNotNull(ofKind, "no " + kind + " rendered: " + docs.keySet());
        assertEquals(1, ofKind.size(), kind + ": " + ofKind.keySet());
        return ofKind.values().iterator().next();
    }

    private static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        return env;
    }

    private static boolean labelsMatch(JsonNode selector, JsonNode labels) {
        Iterator<Map.Entry<String, JsonNode>> it = selector.fields();
        boolean any = false;
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            any = true;
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        return any;
    }

    /** Checks shared by both overlays; returns the server container. */
    private static JsonNode checkCommon(Map<String, Map<String, JsonNode>> docs) {
        assertEquals(List.of("Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Service", "ServiceMonitor"),
                new ArrayList<>(docs.keySet()));
        JsonNode deployment = one(docs, "Deployment");
        JsonNode pod = deployment.path("spec").path("template");
        JsonNode podLabels = pod.path("metadata").path("labels");
        assertTrue(labelsMatch(deployment.path("spec").path("selector").path("matchLabels"), podLabels));
        JsonNode spec = pod.path("spec");
        JsonNode server = spec.path("containers").get(0);
        Map<String, String> env = env(server);

        // native gRPC probes on the service's health name; the startup probe leaves minutes for loading
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            JsonNode grpc = server.path(probe).path("grpc");
            assertEquals(50051, grpc.path("port").asInt(), probe);
            assertEquals(SERVICE, grpc.path("service").asText(), probe);
        }
        JsonNode startup = server.path("startupProbe");
        assertTrue(startup.path("periodSeconds").asInt() * startup.path("failureThreshold").asInt() >= 120,
                "startupProbe must allow at least 2 minutes for loading, tuning and warm-up: " + startup);
        // tuning + the fixed warm-up + the JIT-aware warm-up's cap, with room to spare for loading
        long startS = Long.parseLong(env.get("SCORECAM_TUNE_BUDGET_MS")) / 1000 + Long.parseLong(env.get("SCORECAM_WARMUP_MS")) / 1000
                + Long.parseLong(env.getOrDefault("SCORECAM_WARMUP_JIT_MAX_MS", "30000")) / 1000;
        assertTrue(2 * startS < startup.path("periodSeconds").asInt() * startup.path("failureThreshold").asInt(),
                "startupProbe budget below twice the start-up's own budgets (" + startS + " s): " + startup);
        JsonNode liveness = server.path("livenessProbe");

        // grace above the drain: preStop sleep + SCORECAM_GRACE_PERIOD_MS < terminationGracePeriodSeconds
        long drainS = Long.parseLong(env.get("SCORECAM_GRACE_PERIOD_MS")) / 1000;
        long preStopS = server.path("lifecycle").path("preStop").path("sleep").path("seconds").asLong();
        assertTrue(preStopS > 0, "preStop sleep lets endpoints drop the pod first");
        long grace = spec.path("terminationGracePeriodSeconds").asLong();
        assertTrue(grace > drainS + preStopS, "terminationGracePeriodSeconds " + grace + " <= drain " + drainS + " + preStop " + preStopS);
        // a draining pod answers NOT_SERVING: liveness must not restart it during the drain
        assertTrue(liveness.path("periodSeconds").asInt() * liveness.path("failureThreshold").asInt() > drainS);

        // resources
        for (String side : List.of("requests", "limits")) {
            assertFalse(server.path("resources").path(side).path("cpu").isMissingNode(), side + ".cpu");
            assertFalse(server.path("resources").path(side).path("memory").isMissingNode(), side + ".memory");
        }
        // model volume, filled by an init container, mounted where SCORECAM_MODEL_DIR points
        String modelDir = env.get("SCORECAM_MODEL_DIR");
        JsonNode modelMount = null;
        for (JsonNode m : server.path("volumeMounts")) {
            if (m.path("mountPath").asText().equals(modelDir)) {
                modelMount = m;
            }
        }
        assertNotNull(modelMount, "a volume at SCORECAM_MODEL_DIR " + modelDir);
        String modelVolume = modelMount.path("name").asText();
        boolean filled = false;
        for (JsonNode init : spec.path("initContainers")) {
            for (JsonNode m : init.path("volumeMounts")) {
                filled |= m.path("name").asText().equals(modelVolume);
            }
        }
        boolean pvc = false;
        for (JsonNode v : spec.path("volumes")) {
            if (v.path("name").asText().equals(modelVolume)) {
                pvc = v.has("persistentVolumeClaim");
            }
        }
        assertTrue(filled || pvc, "the model volume comes from a PVC or an init container");

        // non-root, read-only root fs (and the writable /tmp ONNX Runtime needs then)
        assertTrue(spec.path("securityContext").path("runAsNonRoot").asBoolean());
        assertTrue(spec.path("securityContext").path("runAsUser").asInt() > 0);
        assertTrue(server.path("securityContext").path("readOnlyRootFilesystem").asBoolean());
        assertFalse(server.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true));
        boolean tmp = false;
        for (JsonNode m : server.path("volumeMounts")) {
            tmp |= m.path("mountPath").asText().equals("/tmp");
        }
        assertTrue(tmp, "a writable /tmp under a read-only root");

        // named ports: grpc and metrics (the metrics one on SCORECAM_METRICS_PORT)
        Map<String, Integer> ports = new HashMap<>();
        server.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertEquals(50051, ports.get("grpc"));
        assertEquals(Integer.parseInt(env.get("SCORECAM_METRICS_PORT")), ports.get("metrics"));

        // a ClusterIP Service with the metrics port and a headless one for client-side balancing
        Map<String, JsonNode> services = docs.get("Service");
        assertEquals(2, services.size(), services.keySet().toString());
        JsonNode clusterIp = null;
        JsonNode headless = null;
        for (JsonNode s : services.values()) {
            assertTrue(labelsMatch(s.path("spec").path("selector"), podLabels), "Service selects the pods: " + s);
            if ("None".equals(s.path("spec").path("clusterIP").asText())) {
                headless = s;
            } else {
                clusterIp = s;
            }
        }
        assertNotNull(headless, "a headless Service (clusterIP: None)");
        assertNotNull(clusterIp, "a ClusterIP Service");
        assertEquals("ClusterIP", clusterIp.path("spec").path("type").asText("ClusterIP"));
        assertFalse(headless.path("spec").path("publishNotReadyAddresses").asBoolean(false),
                "only SERVING pods in the headless DNS");

        // HPA on a custom per-pod metric; PDB; ServiceMonitor on the named metrics port
        JsonNode hpa = one(docs, "HorizontalPodAutoscaler");
        assertEquals("autoscaling/v2", hpa.path("apiVersion").asText());
        assertEquals(deployment.path("metadata").path("name").asText(), hpa.path("spec").path("scaleTargetRef").path("name").asText());
        JsonNode metric = hpa.path("spec").path("metrics").get(0);
        assertEquals("Pods", metric.path("type").asText());
        assertTrue(hpa.path("spec").path("minReplicas").asInt() >= 1);
        assertTrue(hpa.path("spec").path("maxReplicas").asInt() > hpa.path("spec").path("minReplicas").asInt());

        JsonNode pdb = one(docs, "PodDisruptionBudget");
        assertTrue(labelsMatch(pdb.path("spec").path("selector").path("matchLabels"), podLabels));
        assertTrue(pdb.path("spec").has("maxUnavailable") || pdb.path("spec").has("minAvailable"));

        JsonNode monitor = one(docs, "ServiceMonitor");
        JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
        assertEquals("metrics", endpoint.path("port").asText());
        assertEquals("/metrics", endpoint.path("path").asText());
        boolean monitored = false;
        for (JsonNode p : clusterIp.path("spec").path("ports")) {
            monitored |= p.path("name").asText().equals("metrics");
        }
        assertTrue(monitored && labelsMatch(monitor.path("spec").path("selector").path("matchLabels"),
                clusterIp.path("metadata").path("labels")), "the ServiceMonitor finds the ClusterIP Service's metrics port");
        return server;
    }

    private static String prometheusName(String micrometerName) {
        return micrometerName.replace('.', '_');
    }

    @Test
    void cpuOverlayRendersWithEveryPromisedField() throws Exception {
        Map<String, Map<String, JsonNode>> docs = parse(render("overlays/cpu"));
        JsonNode server = checkCommon(docs);
        assertEquals("cpu", env(server).get("SCORECAM_DEVICE"));
        assertFalse(server.path("image").asText().contains("cuda"), server.path("image").asText());
        assertTrue(server.path("resources").path("limits").path("nvidia.com/gpu").isMissingNode());
    }

    @Test
    void gpuOverlayAsksForOneGpuOnGpuNodes() throws Exception {
        Map<String, Map<String, JsonNode>> docs = parse(render("overlays/gpu"));
        JsonNode server = checkCommon(docs);
        JsonNode spec = one(docs, "Deployment").path("spec").path("template").path("spec");
        assertTrue(env(server).get("SCORECAM_DEVICE").startsWith("cuda"));
        assertTrue(server.path("image").asText().contains("cuda"), "the CUDA image: " + server.path("image").asText());
        assertEquals(1, server.path("resources").path("limits").path("nvidia.com/gpu").asInt());
        assertFalse(spec.path("nodeSelector").isEmpty(), "a node selector for GPU nodes");
        boolean tolerates = false;
        for (JsonNode t : spec.path("tolerations")) {
            tolerates |= t.path("key").asText().equals("nvidia.com/gpu");
        }
        assertTrue(tolerates, "tolerates the GPU nodes' taint");
    }

    @Test
    void theAutoscalerReadsAMetricTheAdapterServesFromOneTheServerExports() throws Exception {
        Map<String, Map<String, JsonNode>> adapter = parse(render("prometheus-adapter"));
        JsonNode config = YAML.readTree(one(adapter, "ConfigMap").path("data").path("config.yaml").asText());
        List<String> served = new ArrayList<>();
        List<String> series = new ArrayList<>();
        for (JsonNode rule : config.path("rules")) {
            served.add(rule.path("name").path("as").asText());
            series.add(rule.path("seriesQuery").asText());
            assertEquals("pod", rule.path("resources").path("overrides").path("pod").path("resource").asText());
        }
        for (String overlay : List.of("overlays/cpu", "overlays/gpu")) {
            JsonNode hpa = one(parse(render(overlay)), "HorizontalPodAutoscaler");
            String name = hpa.path("spec").path("metrics").get(0).path("pods").path("metric").path("name").asText();
            assertTrue(served.contains(name), overlay + " HPA reads " + name + ", the adapter serves " + served);
        }
        // the series are ones the server really exports (Micrometer names as Prometheus writes them)
        assertTrue(series.stream().anyMatch(s -> s.startsWith(prometheusName(ServerMetrics.FRAMES_IN_FLIGHT) + "{")), series.toString());
        assertTrue(series.stream().anyMatch(s -> s.startsWith(prometheusName(ServerMetrics.QUEUE_DEPTH) + "{")), series.toString());
    }

    @Test
    void renderedManifestsPassTheKubernetesSchemas(@TempDir Path tmp) throws Exception {
        Path node = Tools.require("node", "Debian package nodejs");
        Path validator = KIT.resolve("validate");
        if (!Files.isDirectory(validator.resolve("node_modules/kubernetes-models"))) {
            String message = "deploy/k8s/validate has no node_modules (run: cd deploy/k8s/validate && npm ci)";
            if (Tools.inCi()) {
                throw new AssertionError(message + ": .ci/run must install them");
            }
            assumeTrue(false, message);
        }
        List<String> cmd = new ArrayList<>(List.of(node.toString(), "validate.mjs"));
        for (String dir : List.of("overlays/cpu", "overlays/gpu", "prometheus-adapter")) {
            Path file = tmp.resolve(dir.replace('/', '-') + ".yaml");
            Files.writeString(file, render(dir));
            cmd.add(file.toString());
        }
        Tools.Result ok = Tools.run(cmd, validator, 120);
        assertEquals(0, ok.exit(), ok.out());
        assertEquals(13, ok.out().lines().filter(l -> l.startsWith("VALID ")).count(), ok.out());

        // the validator can fail: a wrong type and an unknown kind are both reported
        Path broken = tmp.resolve("broken.yaml");
        Files.writeString(broken, render("overlays/cpu").replace("containerPort: 9090", "containerPort: metrics-port")
                + "---\napiVersion: example.com/v1\nkind: Unknown\nmetadata:\n  name: x\n");
        Tools.Result bad = Tools.run(List.of(node.toString(), "validate.mjs", broken.toString()), validator, 120);
        assertEquals(1, bad.exit(), bad.out());
        assertTrue(bad.out().contains("INVALID apps/v1/Deployment scorecam") && bad.out().contains("containerPort must be integer"), bad.out());
        assertTrue(bad.out().contains("INVALID example.com/v1/Unknown x"), bad.out());
    }
}
