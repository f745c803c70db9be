package io.scorecam.cli.replay;

import com.google.protobuf.ByteString;

/** One image file of a replayed folder, read once and sent as often as --loop and --streams say. */
public record Frame(int index, String fileName, String stem, byte[] bytes, ByteString encoded) {
}
