package io.scorecam.server.model;

import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelRepositoryTest {
    @TempDir
    Path tmp;

    private static ScoreCamException fails(Path root, String fragment) {
        ScoreCamException e = assertThrows(ScoreCamException.class, () -> ModelRepository.scan(root));
        assertEquals(ErrorCode.FAILED_PRECONDITION, e.code());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        return e;
    }

    @Test
    void findsModelsSortedByName() throws IOException {
        ModelConfigTest.model(tmp, "zeta", ModelConfigTest.MINIMAL);
        ModelConfigTest.model(tmp, "alpha", ModelConfigTest.MINIMAL);
        Files.createDirectories(tmp.resolve("notes"));
        Files.writeString(tmp.resolve("README"), "not a model");
        List<ModelConfig> models = ModelRepository.scan(tmp);
        assertEquals(List.of("alpha", "zeta"), models.stream().map(ModelConfig::name).toList());
    }

    @Test
    void missingOrEmptyRootIsNamed() throws IOException {
        fails(tmp.resolve("nope"), tmp.resolve("nope") + " does not exist");
        fails(tmp, tmp + " holds no model");
        Files.createDirectories(tmp.resolve("empty-dir"));
        fails(tmp, "holds no model");
        Path file = Files.writeString(tmp.resolve("file"), "x");
        fails(file, "is not a directory");
    }

    @Test
    void oneInvalidModelFailsTheScanNamingIt() throws IOException {
        ModelConfigTest.model(tmp, "good", ModelConfigTest.MINIMAL);
        Path bad = ModelConfigTest.model(tmp, "broken", ModelConfigTest.MINIMAL.replace("96", "-1"));
        fails(tmp, bad.resolve("model.json") + ": input.width");
    }
}
