package io.scorecam.cli;

import com.sun.net.httpserver.HttpServer;
import io.scorecam.cli.source.FfmpegDevices;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The camera path as far as this machine goes without a camera: FFmpeg's lavfi test source (the same live
 * reader, newest-wins and LATEST defaults a V4L2 camera gets), a named pipe written while it is read, and an
 * HTTP MJPEG stream (what IP cameras serve) from a server in this test. Then every bad source's one-line error.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // a hang guard for CI, not a timing assertion
class LiveSourceTest {
    private static final Pattern COUNTS = Pattern.compile("frames\\s+(\\d+)\\s+\\(OK (\\d+), SKIPPED (\\d+), ERROR (\\d+)\\)");
    private static final Pattern DROPPED = Pattern.compile("dropped before sending[^:]*: (\\d+)");
    private static String server;

    @BeforeAll
    static void setUp() {
        server = TestModels.server().address();
    }

    /** lavfi and cameras need FFmpeg's device library, which needs libpulse0 on the machine (FfmpegDevices). */
    private static void assumeDevices() {
        assumeTrue(FfmpegDevices.missing().isEmpty(), () -> FfmpegDevices.missing().orElse(""));
    }

    @Test
    void withoutFfmpegsDeviceLibraryALavfiSourceSaysWhatIsMissing(@TempDir Path tmp) {
        assumeTrue(FfmpegDevices.missing().isPresent(), "FFmpeg's device library loads here");
        Path out = tmp.resolve("out");
        Cli cli = Cli.run("replay", "lavfi:testsrc2=size=320x240:rate=30", "--server", server, "--out", out.toString(),
                "--no-progress");
        assertTrue(cli.exitCode() != 0, cli::toString);
        String err = cli.err().strip();
        assertEquals(1, err.lines().count(), cli::toString);
        assertTrue(err.contains("lavfi source") && err.contains("libpulse0"), err);
        assertTrue(cli.errHasNoStackTrace(), cli::toString);
        assertFalse(Files.exists(out));
    }

    @Test
    void aLavfiTestSourceRunsAsACameraForItsDuration(@TempDir Path tmp) {
        assumeDevices();
        Path out = tmp.resolve("out");
        long t0 = System.nanoTime();
        Cli cli = Cli.run(TestModels.fast("replay", "lavfi:testsrc2=size=320x240:rate=30", "--server", server,
                "--duration", "2", "--out", out.toString(), "--no-progress", "--idle-timeout", "120"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, cli.exitCode(), cli::toString);
        long[] c = counts(cli);
        assertTrue(c[1] >= 2, "OK frames: " + cli);
        // paced like a camera: 2 s of a 30 fps source is ~60 frames, however fast the server is
        long produced = c[0] + dropped(cli);
        assertTrue(produced >= 30 && produced <= 62, cli::toString);
        assertTrue(seconds >= 1.9, "a 2 s live source ended after " + seconds + " s");
    }

    @Test
    void demoStartsReadingALiveSourceOnlyOnceItsServerIsUp(@TempDir Path tmp) {
        assumeDevices();
        // the source is opened before the embedded server loads (a bad source fails at once), but --duration
        // must count from the first frame sent: the server's start-up must not eat the camera's time
        long t0 = System.nanoTime();
        Cli cli = Cli.run(TestModels.fast("demo", "--model-dir", TestModels.repository().toString(),
                "--source", "lavfi:testsrc2=size=320x240:rate=30", "--duration", "4", "--out", tmp.resolve("out").toString()));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, cli.exitCode(), cli::toString);
        long[] c = counts(cli);
        assertTrue(c[1] >= 3, "OK frames in 4 s of a 30 fps source: " + cli);
        assertTrue(c[0] + dropped(cli) >= 60, "a 4 s, 30 fps source gives ~120 frames, answered or dropped: " + cli);
        assertTrue(seconds >= 4, cli::toString);
    }

    @Test
    void aNamedPipeIsReadAsItIsWrittenAndEveryFrameIsAnsweredOrDropped(@TempDir Path tmp) throws Exception {
        Path fifo = tmp.resolve("camera.pipe");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mk.waitFor() == 0, "mkfifo is not available");
        List<BufferedImage> pictures = TestVideos.pictures(
                TestModels.imagesOf(TestModels.frames()).subList(0, 20), 160, 128);
        Path mkv = TestVideos.write(tmp.resolve("clip.mkv"), pictures, 20, TestVideos.Codec.MKV_H264);
        Thread writer = new Thread(() -> {
            try (OutputStream o = Files.newOutputStream(fifo)) {
                o.write(Files.readAllBytes(mkv)); // the whole video at once: faster than any server explains it
            } catch (IOException ignored) {
                // the reader went away: the assertions below say why
            }
        });
        writer.start();
        Cli cli = Cli.run(TestModels.fast("replay", fifo.toString(), "--server", server, "--no-progress",
                "--idle-timeout", "120"));
        writer.join(10_000);
        assertEquals(0, cli.exitCode(), cli::toString);
        long[] c = counts(cli);
        assertTrue(c[0] >= 1, cli::toString);
        assertEquals(20, c[0] + dropped(cli), "every frame of the pipe was answered or dropped (newest wins): " + cli);
    }

    @Test
    void anHttpMjpegStreamIsALiveSource(@TempDir Path tmp) throws Exception {
        List<byte[]> jpegs = new ArrayList<>();
        for (Path p : TestModels.imagesOf(TestModels.frames()).subList(0, 15)) {
            BufferedImage img = ImageIO.read(p.toFile());
            BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
            rgb.getGraphics().drawImage(img, 0, 0, null);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            ImageIO.write(rgb, "jpg", b);
            jpegs.add(b.toByteArray());
        }
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/stream.mjpg", ex -> {
            ex.getResponseHeaders().add("Content-Type", "multipart/x-mixed-replace;boundary=frame");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream o = ex.getResponseBody()) {
                for (byte[] j : jpegs) {
                    o.write(("--frame\r\nContent-Type: image/jpeg\r\nContent-Length: " + j.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    o.write(j);
                    o.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    o.flush();
                    Thread.sleep(50); // an IP camera at 20 fps
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        http.start();
        try {
            String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/stream.mjpg";
            Cli cli = Cli.run(TestModels.fast("replay", url, "--server", server, "--no-progress", "--idle-timeout", "120"));
            assertEquals(0, cli.exitCode(), cli::toString);
            long[] c = counts(cli);
            assertTrue(c[0] >= 1, cli::toString);
            assertEquals(15, c[0] + dropped(cli), cli::toString);
        } finally {
            http.stop(0);
        }
    }

    @Test
    void eachBadSourceIsOneLineNamingItAndNothingIsWritten(@TempDir Path tmp) throws Exception {
        Path notVideo = Files.writeString(tmp.resolve("notes.mp4"), "this is not a video\n".repeat(50));
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int closedPort = closed.getLocalPort();
            closed.close();
            Thread acceptor = new Thread(() -> {
                try (Socket s = silent.accept()) {
                    Thread.sleep(30_000); // accepts and never answers
                } catch (IOException | InterruptedException ignored) {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String[][] cases = {
                    {tmp.resolve("missing.mp4").toString(), "missing.mp4", "does not exist"},
                    {notVideo.toString(), "notes.mp4", "cannot open it"},
                    {"/dev/video97", "/dev/video97", "does not exist"},
                    {"rtsp://127.0.0.1:" + closedPort + "/cam", "rtsp://127.0.0.1:" + closedPort, "cannot open it"},
                    {"rtsp://127.0.0.1:" + silent.getLocalPort() + "/cam", "rtsp://127.0.0.1:" + silent.getLocalPort(),
                            "cannot open it"},
                    {"ftp://example.invalid/x.mp4", "ftp://", "unsupported URL scheme"},
            };
            for (String[] c : cases) {
                Path out = tmp.resolve("out-" + Math.abs(c[0].hashCode()));
                Path video = tmp.resolve("v-" + Math.abs(c[0].hashCode()) + ".mp4");
                long t0 = System.nanoTime();
                Cli cli = Cli.run("replay", c[0], "--server", server, "--out", out.toString(),
                        "--out-video", video.toString(), "--open-timeout", "2", "--no-progress");
                double seconds = (System.nanoTime() - t0) / 1e9;
                assertTrue(cli.exitCode() != 0, c[0] + ": " + cli);
                String err = cli.err().strip();
                assertEquals(1, err.lines().count(), c[0] + " must give one line: " + cli);
                assertTrue(err.contains(c[1]) && err.contains(c[2]), c[0] + ": " + err);
                assertTrue(cli.errHasNoStackTrace(), cli::toString);
                assertFalse(Files.exists(out), "nothing written for " + c[0]);
                assertFalse(Files.exists(video) || Files.exists(tmp.resolve(video.getFileName() + ".part")));
                assertTrue(seconds < 30, c[0] + " took " + seconds + " s to fail");
            }
        }
    }

    static long[] counts(Cli cli) {
        Matcher m = COUNTS.matcher(cli.out());
        assertTrue(m.find(), cli::toString);
        // every sent frame is answered: OK, SKIPPED (the server's LATEST policy) or ERROR
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    }

    static long dropped(Cli cli) {
        Matcher m = DROPPED.matcher(cli.out());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
