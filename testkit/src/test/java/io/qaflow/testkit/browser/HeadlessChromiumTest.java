package io.qaflow.testkit.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Needs a Chromium (see {@link HeadlessChromium}); without one it fails, it does not skip. */
class HeadlessChromiumTest {

    @Test
    void loadsAPageEvaluatesScriptCollectsErrorsAndTakesAScreenshot(@TempDir Path dir) throws IOException {
        Path html = Files.writeString(dir.resolve("page.html"), """
                <!DOCTYPE html><html><head><title>probe</title></head>
                <body style="margin:0"><div id="box" style="width:200px;height:100px;background:#f00"></div>
                <script>console.error('visible'); setTimeout(() => { throw new Error('late failure'); });</script>
                </body></html>
                """);
        Path png = dir.resolve("shots/page.png");
        try (HeadlessChromium chromium = HeadlessChromium.launch();
             HeadlessChromium.Page page = chromium.open(html.toUri())) {
            JsonNode box = page.evaluate("""
                    (() => { const b = document.getElementById('box').getBoundingClientRect();
                             return {title: document.title, width: b.width, height: b.height}; })()""");
            assertThat(box.get("title").asString()).isEqualTo("probe");
            assertThat(box.get("width").asInt()).isEqualTo(200);
            assertThat(box.get("height").asInt()).isEqualTo(100);
            assertThat(page.evaluate("new Promise(done => setTimeout(() => done(6 * 7), 10))").asInt()).isEqualTo(42);
            assertThat(page.evaluate("undefined").isNull()).isTrue();
            assertThatThrownBy(() -> page.evaluate("nope()")).hasMessageContaining("nope");
            assertThat(page.errors()).anySatisfy(e -> assertThat(e).startsWith("console.error").contains("visible"))
                    .anySatisfy(e -> assertThat(e).startsWith("exception").contains("late failure"));
            page.screenshot(png);
        }
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(HeadlessChromium.Page.WIDTH);
        assertThat(image.getHeight()).isEqualTo(HeadlessChromium.Page.HEIGHT);
        assertThat(image.getRGB(100, 50) & 0xffffff).isEqualTo(0xff0000);
        assertThat(image.getRGB(300, 50) & 0xffffff).isEqualTo(0xffffff);
    }
}
