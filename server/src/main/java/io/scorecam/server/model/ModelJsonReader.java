package io.scorecam.server.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.model.ModelConfig.ChannelOrder;
import io.scorecam.server.model.ModelConfig.InputSpec;
import io.scorecam.server.model.ModelConfig.OutputKind;
import io.scorecam.server.model.ModelConfig.OutputSpec;
import io.scorecam.server.model.ModelConfig.ResizeMode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/** Parses and validates one model.json; every problem becomes FAILED_PRECONDITION naming file and key. */
final class ModelJsonReader {
    private static final List<String> TOP_KEYS = List.of("input", "output", "target_layer", "labels", "batch_size",
            "method", "convention", "max_channels", "top_k");
    /** The same bound the request converter puts on a request's top_k. */
    static final int MAX_TOP_K = 1000;
    private static final List<String> INPUT_KEYS =
            List.of("name", "width", "height", "channels", "scale", "mean", "std", "resize");
    private static final List<String> OUTPUT_KEYS = List.of("name", "kind");
    // generous: far above any CNN input, low enough that width*height*3 floats fit in an array
    private static final int MAX_SIDE = 16384;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path dir;
    private final Path file;

    ModelJsonReader(Path dir) {
        this.dir = dir;
        this.file = dir.resolve(ModelConfig.CONFIG_FILE);
    }

    ModelConfig read() {
        if (!Files.isDirectory(dir)) {
            throw fail("model directory does not exist");
        }
        JsonNode root = parse();
        if (!root.isObject()) {
            throw fail("must hold a JSON object, got " + kindOf(root));
        }
        checkKeys(root, "", TOP_KEYS);
        InputSpec input = input(required(root, "input", ""));
        OutputSpec output = output(required(root, "output", ""));
        String targetLayer = optionalString(root, "target_layer");
        List<String> labels = labels(optionalString(root, "labels"));
        Integer batchSize = root.has("batch_size") && !root.get("batch_size").isNull()
                ? intIn(root.get("batch_size"), "batch_size", 1, 1 << 16) : null;
        ModelConfig.Defaults defaults = defaults(root);
        Path modelFile = dir.resolve(ModelConfig.MODEL_FILE);
        if (!Files.isRegularFile(modelFile)) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION,
                    dir + ": " + ModelConfig.MODEL_FILE + " is missing (every model directory needs one)");
        }
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return new ModelConfig(name == null ? dir.toString() : name.toString(), dir, modelFile,
                input, output, targetLayer, labels, batchSize, defaults);
    }

    private ModelConfig.Defaults defaults(JsonNode root) {
        String method = optionalName(root, "method", ModelConfig.Defaults.METHODS);
        String convention = optionalName(root, "convention", ModelConfig.Defaults.CONVENTIONS);
        Integer maxChannels = root.hasNonNull("max_channels")
                ? intIn(root.get("max_channels"), "max_channels", 1, 1 << 16) : null;
        Integer topK = root.hasNonNull("top_k") ? intIn(root.get("top_k"), "top_k", 1, MAX_TOP_K) : null;
        return new ModelConfig.Defaults(method, convention, maxChannels, topK);
    }

    private String optionalName(JsonNode root, String key, List<String> allowed) {
        String text = optionalString(root, key);
        if (text == null) {
            return null;
        }
        String name = text.toUpperCase(Locale.ROOT);
        if (!allowed.contains(name)) {
            throw fail(key + " must be one of " + allowed + ", got \"" + text + "\"");
        }
        return name;
    }

    private JsonNode parse() {
        if (!Files.isRegularFile(file)) {
            throw fail("not found");
        }
        try {
            JsonNode node = MAPPER.readTree(file.toFile());
            if (node == null || node.isMissingNode()) {
                throw fail("is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw fail("is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw fail("cannot be read: " + e.getMessage());
        }
    }

    private InputSpec input(JsonNode node) {
        objectAt(node, "input");
        checkKeys(node, "input.", INPUT_KEYS);
        String name = string(required(node, "name", "input."), "input.name");
        int width = intIn(required(node, "width", "input."), "input.width", 1, MAX_SIDE);
        int height = intIn(required(node, "height", "input."), "input.height", 1, MAX_SIDE);
        ChannelOrder channels = node.has("channels")
                ? enumOf(ChannelOrder.class, node.get("channels"), "input.channels") : ChannelOrder.RGB;
        float scale = 255f;
        if (node.has("scale")) {
            scale = finite(node.get("scale"), "input.scale");
            if (scale <= 0) {
                throw fail("input.scale must be > 0, got " + scale);
            }
        }
        float[] mean = node.has("mean") ? triple(node.get("mean"), "input.mean") : new float[] {0, 0, 0};
        float[] std = node.has("std") ? triple(node.get("std"), "input.std") : new float[] {1, 1, 1};
        for (int c = 0; c < 3; c++) {
            if (std[c] == 0) {
                throw fail("input.std[" + c + "] must not be 0");
            }
            if (std[c] < 0) {
                throw fail("input.std[" + c + "] must be positive, got " + std[c]);
            }
        }
        ResizeMode resize = node.has("resize")
                ? enumOf(ResizeMode.class, node.get("resize"), "input.resize") : ResizeMode.STRETCH;
        return new InputSpec(name, width, height, channels, scale, mean, std, resize);
    }

    private OutputSpec output(JsonNode node) {
        objectAt(node, "output");
        checkKeys(node, "output.", OUTPUT_KEYS);
        String name = string(required(node, "name", "output."), "output.name");
        OutputKind kind = node.has("kind")
                ? enumOf(OutputKind.class, node.get("kind"), "output.kind") : OutputKind.LOGITS;
        return new OutputSpec(name, kind);
    }

    private List<String> labels(String fileName) {
        if (fileName == null) {
            return List.of();
        }
        Path base = dir.toAbsolutePath().normalize();
        Path labelFile = base.resolve(fileName).normalize();
        if (!labelFile.startsWith(base)) {
            throw fail("labels \"" + fileName + "\" must name a file inside the model directory");
        }
        if (!Files.isRegularFile(labelFile)) {
            throw fail("labels file \"" + fileName + "\" not found in " + dir);
        }
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(labelFile, StandardCharsets.UTF_8));
            // a trailing newline or blank lines at the end are not classes
            while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
                lines.remove(lines.size() - 1);
            }
            if (lines.isEmpty()) {
                throw fail("labels file \"" + fileName + "\" is empty");
            }
            lines.replaceAll(String::strip);
            return lines;
        } catch (IOException e) {
            throw fail("labels file \"" + fileName + "\" cannot be read as UTF-8: " + e.getMessage());
        }
    }

    private void checkKeys(JsonNode node, String prefix, List<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw fail("unknown key \"" + prefix + key + "\" (known keys" + (prefix.isEmpty() ? "" : " in "
                        + prefix.substring(0, prefix.length() - 1)) + ": " + String.join(", ", known) + ")");
            }
        }
    }

    private JsonNode required(JsonNode node, String key, String prefix) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            throw fail(prefix + key + " is required");
        }
        return value;
    }

    private void objectAt(JsonNode node, String key) {
        if (!node.isObject()) {
            throw fail(key + " must be a JSON object, got " + kindOf(node));
        }
    }

    private String optionalString(JsonNode node, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : string(value, key);
    }

    private String string(JsonNode node, String key) {
        if (!node.isTextual()) {
            throw fail(key + " must be a string, got " + kindOf(node));
        }
        if (node.asText().isBlank()) {
            throw fail(key + " must not be empty");
        }
        return node.asText();
    }

    private int intIn(JsonNode node, String key, int min, int max) {
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw fail(key + " must be an integer, got " + kindOf(node));
        }
        int v = node.intValue();
        if (v < min || v > max) {
            throw fail(key + " must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    private float finite(JsonNode node, String key) {
        if (!node.isNumber()) {
            throw fail(key + " must be a number, got " + kindOf(node));
        }
        float v = node.floatValue();
        if (!Float.isFinite(v)) {
            throw fail(key + " must be a finite number, got " + node.asText());
        }
        return v;
    }

    private float[] triple(JsonNode node, String key) {
        if (!node.isArray() || node.size() != 3) {
            throw fail(key + " must be an array of 3 numbers (one per channel), got "
                    + (node.isArray() ? node.size() + " values" : kindOf(node)));
        }
        float[] v = new float[3];
        for (int c = 0; c < 3; c++) {
            v[c] = finite(node.get(c), key + "[" + c + "]");
        }
        return v;
    }

    private <E extends Enum<E>> E enumOf(Class<E> type, JsonNode node, String key) {
        String text = string(node, key);
        try {
            return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw fail(key + " must be one of " + Arrays.toString(type.getEnumConstants()) + ", got \"" + text + "\"");
        }
    }

    private static String kindOf(JsonNode node) {
        return node.isTextual() ? "\"" + node.asText() + "\"" : node.isContainerNode()
                ? node.getNodeType().toString().toLowerCase(Locale.ROOT) : node.toString();
    }

    private ScoreCamException fail(String problem) {
        return new ScoreCamException(ErrorCode.FAILED_PRECONDITION, file + ": " + problem);
    }
}
