package io.scorecam.server.engine.pass;

import io.scorecam.server.errors.ScoreCamException;

import java.util.List;

/**
 * A kind of pass whose results are {@link ScoreRow}s kept in a per-frame table: what a CAM method asks
 * for. It says which items a table row needs, which session runs them (built from the model on first
 * use) and under which key the rows are cached. Rows of one key are shared by every request, class and
 * method that asks for them.
 *
 * @param <I> the batch item type
 */
public interface RowPass<I> {

    /** Rows with the same key are the same numbers: the frame cache keys a frame's table with it. */
    String rowKey();

    /** Passes with the same session key run on one session of a model (the graph does not differ). */
    String sessionKey();

    /** Rows in a frame's table (channels, cells, ...). */
    int rowCount(LayerShape layer);

    /**
     * Adds the items row {@code row} of a frame needs to {@code out}: one, or several whose score rows
     * {@link #reduce} combines into the row.
     *
     * @param seed a number fixed by the frame's content (for passes that draw random numbers)
     */
    void items(FrameFeatures frame, long seed, int row, List<I> out);

    /** Items per row (the forward passes a row costs). */
    default int itemsPerRow() {
        return 1;
    }

    /** Combines one row's item results (in {@link #items} order) into the row. */
    default ScoreRow reduce(List<ScoreRow> results) {
        return results.get(0);
    }

    /**
     * Builds the graph and opens the session. Called once per model and session key, on a CPU-pool thread
     * and outside any lock (it may take seconds for a big model).
     */
    SessionPass<I, ScoreRow> open(ModelContext model);

    /** Why this model cannot run this pass (checked at load; a cheap graph walk), or null when it can. */
    default ScoreCamException unavailable(ModelContext model) {
        return null;
    }
}
