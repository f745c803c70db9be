package io.scorecam.server.model;

import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.model.ModelConfig.ChannelOrder;
import io.scorecam.server.model.ModelConfig.OutputKind;
import io.scorecam.server.model.ModelConfig.ResizeMode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelConfigTest {
    static final String MINIMAL = """
            {"input": {"name": "pixels", "width": 96, "height": 64}, "output": {"name": "logits"}}""";

    @TempDir
    Path tmp;

    /** A model directory with a placeholder model.onnx (load only checks it exists) and the given model.json. */
    static Path model(Path parent, String name, String json) throws IOException {
        Path dir = Files.createDirectories(parent.resolve(name));
        Files.write(dir.resolve("model.onnx"), new byte[] {8, 7});
        Files.writeString(dir.resolve("model.json"), json);
        return dir;
    }

    private ScoreCamException failing(String json, String... fragments) throws IOException {
        Path dir = model(tmp, "bad", json);
        ScoreCamException e = assertThrows(ScoreCamException.class, () -> ModelConfig.load(dir));
        assertEquals(ErrorCode.FAILED_PRECONDITION, e.code());
        assertTrue(e.getMessage().startsWith(dir.resolve("model.json") + ": "), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "\"" + e.getMessage() + "\" should contain \"" + f + "\"");
        }
        return e;
    }

    @Test
    void readsEveryField() throws IOException {
        Path dir = model(tmp, "tiny-cnn", """
                {"input": {"name": "pixels", "width": 96, "height": 80, "channels": "BGR", "scale": 1.0,
                           "mean": [0.5, 0.4, 0.3], "std": [0.25, 0.2, 0.1], "resize": "CENTER_CROP"},
                 "output": {"name": "probs", "kind": "PROBABILITIES"},
                 "target_layer": "conv3", "labels": "labels.txt", "batch_size": 16}""");
        Files.writeString(dir.resolve("labels.txt"), "cat\n dog \r\nbird\n\n");
        ModelConfig c = ModelConfig.load(dir);
        assertEquals("tiny-cnn", c.name());
        assertEquals(dir, c.directory());
        assertEquals(dir.resolve("model.onnx"), c.modelFile());
        assertEquals("pixels", c.input().name());
        assertEquals(96, c.input().width());
        assertEquals(80, c.input().height());
        assertEquals(ChannelOrder.BGR, c.input().channels());
        assertEquals(1f, c.input().scale());
        assertArrayEquals(new float[] {0.5f, 0.4f, 0.3f}, c.input().mean());
        assertArrayEquals(new float[] {0.25f, 0.2f, 0.1f}, c.input().std());
        assertEquals(ResizeMode.CENTER_CROP, c.input().resize());
        assertEquals("probs", c.output().name());
        assertEquals(OutputKind.PROBABILITIES, c.output().kind());
        assertEquals("conv3", c.targetLayer());
        assertEquals(List.of("cat", "dog", "bird"), c.labels());
        assertEquals(16, c.batchSize());
        assertEquals(c, ModelConfig.load(dir), "two loads of one file are equal");
    }

    @Test
    void appliesDefaults() throws IOException {
        ModelConfig c = ModelConfig.load(model(tmp, "m", MINIMAL));
        assertEquals(ChannelOrder.RGB, c.input().channels());
        assertEquals(255f, c.input().scale());
        assertArrayEquals(new float[] {0, 0, 0}, c.input().mean());
        assertArrayEquals(new float[] {1, 1, 1}, c.input().std());
        assertEquals(ResizeMode.STRETCH, c.input().resize());
        assertEquals(OutputKind.LOGITS, c.output().kind());
        assertNull(c.targetLayer());
        assertNull(c.batchSize());
        assertEquals(List.of(), c.labels());
    }

    @Test
    void enumsIgnoreCase() throws IOException {
        ModelConfig c = ModelConfig.load(model(tmp, "m", """
                {"input": {"name": "p", "width": 8, "height": 8, "channels": "bgr", "resize": "center_crop"},
                 "output": {"name": "o", "kind": "probabilities"}}"""));
        assertEquals(ChannelOrder.BGR, c.input().channels());
        assertEquals(ResizeMode.CENTER_CROP, c.input().resize());
        assertEquals(OutputKind.PROBABILITIES, c.output().kind());
    }

    @Test
    void zeroStdIsNamed() throws IOException {
        failing(MINIMAL.replace("\"height\": 64", "\"height\": 64, \"std\": [1, 0, 1]"), "input.std[1] must not be 0");
    }

    @Test
    void unknownKeysListTheKnownOnes() throws IOException {
        failing(MINIMAL.replace("{\"input\"", "{\"lables\": \"x\", \"input\""),
                "unknown key \"lables\"", "input, output, target_layer, labels, batch_size");
        failing(MINIMAL.replace("\"width\"", "\"colour\": 1, \"width\""),
                "unknown key \"input.colour\"", "known keys in input: name, width, height");
        failing(MINIMAL.replace("\"logits\"", "\"logits\", \"softmax\": true"), "unknown key \"output.softmax\"");
    }

    @Test
    void badValuesAreNamed() throws IOException {
        failing(MINIMAL.replace("96", "0"), "input.width must be between 1 and");
        failing(MINIMAL.replace("96", "\"96\""), "input.width must be an integer");
        failing(MINIMAL.replace("96", "9.5"), "input.width must be an integer");
        failing(MINIMAL.replace("\"height\": 64", "\"height\": 64, \"scale\": 0"), "input.scale must be > 0");
        failing(MINIMAL.replace("\"height\": 64", "\"height\": 64, \"mean\": [0.5, 0.5]"),
                "input.mean must be an array of 3 numbers", "got 2 values");
        failing(MINIMAL.replace("\"height\": 64", "\"height\": 64, \"mean\": [0.5, \"a\", 0.5]"),
                "input.mean[1] must be a number");
        failing(MINIMAL.replace("\"height\": 64", "\"height\": 64, \"channels\": \"RGBA\""),
                "input.channels must be one of [RGB, BGR]", "RGBA");
        failing(MINIMAL.replace("\"height\": 64", "\"height\": 64, \"resize\": \"FIT\""),
                "input.resize must be one of [STRETCH, CENTER_CROP]");
        failing(MINIMAL.replace("{\"name\": \"logits\"}", "{\"name\": \"logits\", \"kind\": \"SOFTMAX\"}"),
                "output.kind must be one of [LOGITS, PROBABILITIES]");
        failing(MINIMAL.replace("}}", "}, \"batch_size\": 0}"), "batch_size must be between 1 and");
        failing(MINIMAL.replace("}}", "}, \"target_layer\": 5}"), "target_layer must be a string");
    }

    @Test
    void missingPartsAreNamed() throws IOException {
        failing("{\"output\": {\"name\": \"o\"}}", "input is required");
        failing(MINIMAL.replace("\"name\": \"pixels\", ", ""), "input.name is required");
        failing(MINIMAL.replace(", \"output\": {\"name\": \"logits\"}", ""), "output is required");
        failing("[1, 2]", "must hold a JSON object");
        failing("{\"input\": ", "is not valid JSON");
    }

    @Test
    void labelsFileMustExistInsideTheDirectory() throws IOException {
        failing(MINIMAL.replace("}}", "}, \"labels\": \"labels.txt\"}"), "labels file \"labels.txt\" not found");
        Files.writeString(tmp.resolve("outside.txt"), "a\n");
        failing(MINIMAL.replace("}}", "}, \"labels\": \"../outside.txt\"}"), "inside the model directory");
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        Path dir = model(tmp, "m", MINIMAL);
        Files.delete(dir.resolve("model.onnx"));
        ScoreCamException e = assertThrows(ScoreCamException.class, () -> ModelConfig.load(dir));
        assertEquals(ErrorCode.FAILED_PRECONDITION, e.code());
        assertTrue(e.getMessage().contains(dir + ": model.onnx is missing"), e.getMessage());
        Files.delete(dir.resolve("model.json"));
        e = assertThrows(ScoreCamException.class, () -> ModelConfig.load(dir));
        assertTrue(e.getMessage().contains("model.json: not found"), e.getMessage());
    }

    @Test
    void loadsTheSharedModelWhenPresent() {
        Path dir = Path.of(System.getProperty("scorecam.repo.root", ".")).resolve("../shared/models/mobilenetv2-12-int8");
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("model.json")), "shared model not available");
        ModelConfig c = ModelConfig.load(dir);
        assertEquals("mobilenetv2-12-int8", c.name());
        assertTrue(c.input().width() > 0 && c.input().height() > 0);
        assertTrue(c.labels().size() > 1);
    }
}
