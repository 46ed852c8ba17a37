package dev.paved.service.web;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.MutableCoercionConfig;
import tools.jackson.databind.type.LogicalType;

/**
 * Makes request bodies strict: {"name": 42} and unknown properties are validation errors instead of
 * being coerced or dropped, so clients learn about their bug instead of storing surprising data.
 */
@Configuration(proxyBeanMethods = false)
public class StrictJsonConfig {

    @Bean
    JsonMapperBuilderCustomizer noScalarToStringCoercion() {
        return builder ->
                builder.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .withCoercionConfig(
                                LogicalType.Textual, StrictJsonConfig::failOnNonStrings);
    }

    private static void failOnNonStrings(MutableCoercionConfig config) {
        config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }
}
