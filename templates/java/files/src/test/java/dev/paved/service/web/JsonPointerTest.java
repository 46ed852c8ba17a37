package dev.paved.service.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.util.List;

class JsonPointerTest {

    @Test
    void pointsIntoTheBody() {
        assertThat(JsonPointer.of(List.of())).isEqualTo("/body");
        assertThat(JsonPointer.of(List.of("tags", "0", "name"))).isEqualTo("/body/tags/0/name");
    }

    @Test
    void escapesSlashAndTilde() {
        assertThat(JsonPointer.of(List.of("a/b", "c~d"))).isEqualTo("/body/a~1b/c~0d");
    }

    @Test
    void convertsBeanValidationPaths() {
        assertThat(JsonPointer.ofBeanPath("name")).isEqualTo("/body/name");
        assertThat(JsonPointer.ofBeanPath("tags[2].label")).isEqualTo("/body/tags/2/label");
    }
}
