package dev.paved.service.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.util.UUID;

class RequestIdFilterTest {

    @Test
    void acceptsOnlyShortIdsFromTheSafeAlphabet() {
        assertThat(RequestIdFilter.isAcceptable("abc-DEF_0.9:z")).isTrue();
        assertThat(RequestIdFilter.isAcceptable("x".repeat(128))).isTrue();
        assertThat(RequestIdFilter.isAcceptable("x".repeat(129))).isFalse();
        assertThat(RequestIdFilter.isAcceptable("")).isFalse();
        assertThat(RequestIdFilter.isAcceptable(null)).isFalse();
        assertThat(RequestIdFilter.isAcceptable("bad id <script>")).isFalse();
        assertThat(RequestIdFilter.isAcceptable("caf\u00e9")).isFalse();
    }

    @Test
    void refusesAnAccessLogModeItDoesNotKnow() {
        // EnvConfig checks ACCESS_LOG; this guards the Spring property it sets, if set directly.
        assertThatThrownBy(() -> new RequestIdFilter("loud"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be one of errors, all, none");
        assertThat(new RequestIdFilter(" ALL ")).isNotNull();
    }

    @Test
    void newIdsAreRandomVersion4Uuids() {
        String id = RequestIdFilter.newId();
        UUID uuid = UUID.fromString(id);
        assertThat(uuid.toString()).isEqualTo(id);
        assertThat(uuid.version()).isEqualTo(4);
        assertThat(uuid.variant()).isEqualTo(2);
        assertThat(RequestIdFilter.newId()).isNotEqualTo(id);
    }
}
