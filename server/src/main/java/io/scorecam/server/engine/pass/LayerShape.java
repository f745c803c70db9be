package io.scorecam.server.engine.pass;

/** K, h, w of a model's target layer. */
public record LayerShape(int channels, int height, int width) {
    public int mapSize() {
        return height * width;
    }
}
