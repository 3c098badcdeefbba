package io.qaflow.testkit.squad;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * SQuAD questions paired with paraphrases written for qaflow's semantic-cache tests ({@code squad/squad-paraphrases.tsv};
 * CC BY-SA 4.0, see the README beside it).
 */
public record Paraphrases(List<Pair> pairs) {
    public static final String RESOURCE = "squad/squad-paraphrases.tsv";

    public record Pair(String squadId, String original, String paraphrase) {}

    public Paraphrases {
        pairs = List.copyOf(pairs);
    }

    public static Paraphrases load() {
        List<Pair> pairs = new ArrayList<>();
        try (InputStream in = Paraphrases.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + RESOURCE);
            }
            var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\t");
                if (fields.length != 3) {
                    throw new IllegalStateException("expected 3 tab-separated fields: " + line);
                }
                pairs.add(new Pair(fields[0].strip(), fields[1].strip(), fields[2].strip()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Paraphrases(pairs);
    }
}
