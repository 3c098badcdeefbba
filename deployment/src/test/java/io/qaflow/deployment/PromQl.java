package io.qaflow.deployment;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads. The dashboards and rules keep their PromQL plain (metric names as bare
 * identifiers), so this is enough: drop strings, label matchers, ranges, offsets and the label lists of
 * by/without/on/ignoring/group_left/group_right, then every identifier that is not a function call, a keyword or a
 * Grafana variable is a metric name.
 */
final class PromQl {
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern OFFSET = Pattern.compile("\\boffset\\s+-?[0-9a-z]+");
    private static final Pattern LABEL_LIST =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?\\w+}?");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\s*\\()?");

    private PromQl() {}

    static Set<String> metricNames(String expression) {
        String e = STRING.matcher(expression).replaceAll("\"\"");
        e = MATCHERS.matcher(e).replaceAll(" ");
        e = RANGE.matcher(e).replaceAll(" ");
        e = OFFSET.matcher(e).replaceAll(" ");
        e = LABEL_LIST.matcher(e).replaceAll(" ");
        e = VARIABLE.matcher(e).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(e);
        while (m.find()) {
            String identifier = m.group().strip();
            if (m.group(1) != null || KEYWORDS.contains(identifier)) {
                continue;
            }
            if (m.start() > 0 && Character.isDigit(e.charAt(m.start() - 1))) {
                continue; // the unit of a number, as in 1e3
            }
            names.add(identifier);
        }
        return names;
    }
}
