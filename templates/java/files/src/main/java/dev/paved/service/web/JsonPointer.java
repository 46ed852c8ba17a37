package dev.paved.service.web;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds the JSON pointers (RFC 6901) that error details use to name the offending input. */
final class JsonPointer {

    private static final Pattern BEAN_PATH_PART = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");

    private JsonPointer() {}

    /**
     * A pointer into the request body.
     *
     * @param path property names and array indexes, outermost first
     * @return for example /body/tags/0/name
     */
    static String of(List<String> path) {
        StringBuilder pointer = new StringBuilder("/body");
        for (String token : path) {
            pointer.append('/').append(token.replace("~", "~0").replace("/", "~1"));
        }
        return pointer.toString();
    }

    /**
     * A pointer from a Bean Validation property path such as tags[0].name.
     *
     * @param beanPath the path Spring reports for a field error
     * @return the same location as a JSON pointer into the request body
     */
    static String ofBeanPath(String beanPath) {
        List<String> tokens = new ArrayList<>();
        Matcher matcher = BEAN_PATH_PART.matcher(beanPath);
        while (matcher.find()) {
            tokens.add(matcher.group(1) != null ? matcher.group(1) : matcher.group(2));
        }
        return of(tokens);
    }
}
